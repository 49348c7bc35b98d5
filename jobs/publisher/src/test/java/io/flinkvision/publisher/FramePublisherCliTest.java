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
import picocli.CommandLine.ParameterException;
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
        assertError("unknown flag '--strems' (did you mean --streams or --stream-prefix?)", "--synthetic", "8x8", "--strems", "2");
        assertError("Missing required parameter for option '--topic'", "--synthetic", "8x8", "--topic");
        assertError("Missing required argument (specify one of these): (--input=PATH | --synthetic=WxH)");
        assertError("--input=PATH, --synthetic=WxH are mutually exclusive", "--synthetic", "8x8", "--input", ".");
        assertError("--synthetic': expects WIDTHxHEIGHT like 640x480, got '640'", "--synthetic", "640");
        assertError("--synthetic': expects WIDTHxHEIGHT like 640x480, got '0x480'", "--synthetic", "0x480");
        assertError("--streams must be between 1 and 100000, got 0", "--synthetic", "8x8", "--streams", "0");
        assertError("--streams': 'two' is not an int", "--synthetic", "8x8", "--streams", "two");
        assertError("--fps must be 0 (as fast as possible) or positive", "--synthetic", "8x8", "--fps", "-1");
        assertError("--fps': 'fast' is not a double", "--synthetic", "8x8", "--fps", "fast");
        assertError("--frames must be at least 1, got 0", "--synthetic", "8x8", "--frames", "0");
        assertError("--inject-bad must be between 0 and 1000000, got -1", "--synthetic", "8x8", "--inject-bad=-1");
        assertError("--jpeg-quality must be in (0, 1], got 90", "--synthetic", "8x8", "--jpeg-quality", "90");
        assertError("--loop': 'yes' is not a boolean", "--synthetic", "8x8", "--loop=yes");
        assertError("option '--topic' (NAME) should be specified only once", "--synthetic", "8x8", "--topic", "a",
                "--topic", "b");
        assertError("unexpected argument 'frames'", "--synthetic", "8x8", "frames");
        assertError("--kafka.linger.ms needs a value", "--synthetic", "8x8", "--kafka.linger.ms", "--topic", "t");
    }

    @Test
    void aLoopFlagTakesAnOptionalBooleanAndKafkaValuesMayStartWithDashes() {
        assertThat(FramePublisherCli.parse(new String[] {"--synthetic", "8x8", "--loop=false"}).loop()).isFalse();
        PublisherSettings s = FramePublisherCli.parse(new String[] {"--synthetic", "8x8", "--loop",
            "--kafka.ssl.key.password", "--s3cr3t", "--streams", "2"});
        assertThat(s.loop()).isTrue();
        assertThat(s.streams()).isEqualTo(2);
        assertThat(s.kafkaProperties()).containsExactly(java.util.Map.entry("ssl.key.password", "--s3cr3t"));
    }

    @Test
    void errorsNeverRepeatAValueThatMightBeASecret() {
        assertError("unknown flag '--kafka-ssl.key.password'", "--synthetic", "8x8",
                "--kafka-ssl.key.password=hunter2");
        assertError("unexpected argument after the value of --kafka.sasl.jaas.config", "--synthetic", "8x8",
                "--kafka.sasl.jaas.config", "PlainLoginModule", "required", "password=hunter2");
        assertError("--kafka.ssl.key.password needs a value", "--synthetic", "8x8", "--kafka.ssl.key.password",
                "--fps", "2");
        assertThat(FramePublisherCli.parse(new String[] {"--synthetic", "8x8", "--kafka.ssl.key.password", "-hunter2"})
                .kafkaProperties()).containsEntry("ssl.key.password", "-hunter2");
        assertThat(err()).doesNotContain("hunter2");
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
    void helpListsEveryFlagWithItsDefaultAndExitsZero() {
        assertThat(run("--synthetic", "8x8", "--help")).isEqualTo(FramePublisherCli.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: publish").contains("--bootstrap-servers",
                "--topic", "--input", "--synthetic", "--streams", "--fps", "--frames", "--loop", "--inject-bad",
                "--jpeg-quality", "--kafka.NAME", "--help", "--version", "(default: localhost:9092)", "(default: 0.9)");
        assertThat(err.size()).isZero();

        out.reset();
        assertThat(run("--help")).as("help needs no input").isEqualTo(FramePublisherCli.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: publish");
    }

    @Test
    void versionIsTheProjectVersion() {
        String version = System.getProperty("flinkvision.project.version");
        assertThat(version).as("set by surefire from the pom").isNotBlank();
        assertThat(run("--version")).isEqualTo(FramePublisherCli.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("flink-vision frame publisher " + version
                + System.lineSeparator());
    }

    @Test
    void aBadFlagExitsWithTheUsageCodeAndNothingOnStdout() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err()).startsWith("error: unknown flag '--bogus'").endsWith("(--help lists the flags)"
                + System.lineSeparator()).hasLineCount(1);
        assertThat(out.size()).isZero();
    }

    private void assertError(String message, String... args) {
        assertThatThrownBy(() -> FramePublisherCli.parse(args)).isInstanceOf(ParameterException.class)
                .satisfies(e -> assertThat(CliConventions.describe((ParameterException) e, args)).contains(message));
        err.reset();
        assertThat(run(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(FramePublisherCli.EXIT_USAGE);
        assertThat(err()).startsWith("error: ").contains(message).hasLineCount(1);
    }
}
