package io.flinkvision.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.testkit.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher CLI's flags, defaults and one-line errors (no broker involved). */
class FramePublisherCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return FramePublisherCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultsForAFolder() {
        PublisherSettings s = FramePublisherCli.parse(new String[] {"--input", SharedFixtures.images().toString()});

        assertThat(s.input()).isEqualTo(SharedFixtures.images());
        assertThat(s.synthetic()).isFalse();
        assertThat(s.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(s.topic()).isEqualTo("frames");
        assertThat(s.streams()).isEqualTo(1);
        assertThat(s.streamPrefix()).isEqualTo("cam-");
        assertThat(s.fps()).isEqualTo(25.0);
        assertThat(s.framesPerStream()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.loop()).isFalse();
        assertThat(s.injectBad()).isZero();
        assertThat(s.jpegQuality()).isEqualTo(0.9f);
        assertThat(s.kafkaProperties()).isEmpty();
        assertThat(FramePublisherCli.source(s)).isInstanceOf(ImageFolderSource.class);
    }

    @Test
    void everyFlagInBothForms() {
        PublisherSettings s = FramePublisherCli.parse(new String[] {
            "--bootstrap-servers=k1:9092,k2:9092", "--topic", "cams", "--synthetic", "1920X1080", "--seed=-4",
            "--streams", "8", "--stream-prefix", "door-", "--fps", "12.5", "--frames=100", "--loop", "--inject-bad", "3",
            "--jpeg-quality", "0.5", "--kafka.security.protocol", "SSL", "--kafka.linger.ms=20"});

        assertThat(s.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(s.topic()).isEqualTo("cams");
        assertThat(s.synthetic()).isTrue();
        assertThat(s.syntheticWidth()).isEqualTo(1920);
        assertThat(s.syntheticHeight()).isEqualTo(1080);
        assertThat(s.seed()).isEqualTo(-4);
        assertThat(s.streams()).isEqualTo(8);
        assertThat(s.streamPrefix()).isEqualTo("door-");
        assertThat(s.fps()).isEqualTo(12.5);
        assertThat(s.framesPerStream()).isEqualTo(100);
        assertThat(s.loop()).isTrue();
        assertThat(s.injectBad()).isEqualTo(3);
        assertThat(s.jpegQuality()).isEqualTo(0.5f);
        assertThat(s.kafkaProperties()).containsEntry("security.protocol", "SSL").containsEntry("linger.ms", "20");
        assertThat(FramePublisherCli.source(s)).isInstanceOf(SyntheticSource.class);
    }

    @Test
    void aFileInputIsAVideo() {
        PublisherSettings s = FramePublisherCli.parse(new String[] {"--input", SharedFixtures.sampleVideo().toString()});
        assertThat(FramePublisherCli.source(s)).isInstanceOf(VideoFileSource.class);
    }

    @Test
    void badFlagsGiveOneLineErrors() {
        assertError("unknown flag '--colour'", "--synthetic", "8x8", "--colour", "red");
        assertError("--topic needs a value", "--synthetic", "8x8", "--topic");
        assertError("give one of --input PATH or --synthetic WxH");
        assertError("give one of --input PATH or --synthetic WxH", "--synthetic", "8x8", "--input", ".");
        assertError("--synthetic expects WIDTHxHEIGHT like 640x480, got '640'", "--synthetic", "640");
        assertError("--streams must be between 1 and 100000, got 0", "--synthetic", "8x8", "--streams", "0");
        assertError("--streams expects a whole number, got 'two'", "--synthetic", "8x8", "--streams", "two");
        assertError("--fps must be 0 (as fast as possible) or positive", "--synthetic", "8x8", "--fps", "-1");
        assertError("--fps expects a number, got 'fast'", "--synthetic", "8x8", "--fps", "fast");
        assertError("--frames must be at least 1, got 0", "--synthetic", "8x8", "--frames", "0");
        assertError("--inject-bad must be between 0 and 1000000, got -1", "--synthetic", "8x8", "--inject-bad=-1");
        assertError("--jpeg-quality must be in (0, 1], got 90", "--synthetic", "8x8", "--jpeg-quality", "90");
        assertError("--loop takes no value", "--synthetic", "8x8", "--loop=yes");
        assertError("--topic given twice", "--synthetic", "8x8", "--topic", "a", "--topic", "b");
        assertError("unexpected argument 'frames'", "--synthetic", "8x8", "frames");
    }

    @Test
    void missingOrUnreadableInputsExitWithUsageCode(@TempDir Path dir) throws IOException {
        assertThat(run("--input", dir.resolve("nope.mp4").toString())).isEqualTo(FramePublisherCli.EXIT_USAGE);
        assertThat(err()).isEqualTo("error: --input " + dir.resolve("nope.mp4")
                + ": no such file or folder (--help lists the flags)" + System.lineSeparator());

        err.reset();
        assertThat(run("--input", dir.toString())).isEqualTo(FramePublisherCli.EXIT_USAGE);
        assertThat(err()).contains("no .jpg, .jpeg or .png files").hasLineCount(1);

        err.reset();
        Path notVideo = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(run("--input", notVideo.toString())).isEqualTo(FramePublisherCli.EXIT_USAGE);
        assertThat(err()).contains("FFmpeg cannot read").contains("error: --input ");
        assertThat(out.size()).isZero();
    }

    @Test
    void helpListsEveryFlagAndExitsZero() {
        assertThat(run("--synthetic", "8x8", "--help")).isEqualTo(FramePublisherCli.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers", "--topic", "--input",
                "--synthetic", "--streams", "--fps", "--frames", "--loop", "--inject-bad", "--jpeg-quality", "--help");
        assertThat(err.size()).isZero();
    }

    private void assertError(String message, String... args) {
        assertThatThrownBy(() -> FramePublisherCli.parse(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        err.reset();
        assertThat(run(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(FramePublisherCli.EXIT_USAGE);
        assertThat(err()).startsWith("error: ").contains(message).hasLineCount(1);
    }
}
