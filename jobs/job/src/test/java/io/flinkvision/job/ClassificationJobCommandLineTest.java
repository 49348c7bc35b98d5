package io.flinkvision.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's main: --help, and exit code 2 with one line on a bad flag or pin, before any job is built. */
class ClassificationJobCommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<ClassificationJob> launched = new ArrayList<>();
    @TempDir
    Path temp;

    private int run(String... given) throws Exception {
        // Every run names its deployment (required unless group id and prefix are given): not what these test.
        String[] args = given.length > 0 && given[given.length - 1].equals("--help") ? given
                : java.util.stream.Stream.concat(java.util.stream.Stream.of(given), java.util.stream.Stream.of("--job-name", "cli-test"))
                        .toArray(String[]::new);
        return ClassificationJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), launched::add);
    }

    @Test
    void helpListsEverySettingAndExitsZero() throws Exception {
        assertThat(run("--batch-size", "4", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: flink run")
                .contains("--bootstrap-servers TEXT", "--batch-size N", "Largest inference batch. Default: 2.",
                        "--config FILE", "--kafka.<prop>");
        assertThat(err.size()).isZero();
        assertThat(launched).isEmpty();
    }

    @Test
    void aBadFlagExitsWithTwoAndOneLine() throws Exception {
        assertThat(run("--batch-sise", "4")).isEqualTo(ClassificationJob.EXIT_USAGE).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("flink-vision: unknown setting '--batch-sise'")
                .hasLineCount(1);
        assertThat(launched).isEmpty();
    }

    @Test
    void aBadValueOrABadPinExitsWithTwo() throws Exception {
        assertThat(run("--batch-size", "many")).isEqualTo(2);
        assertThat(run("--model", "/models/b0.onnx", "--model-sha256", "abc")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--batch-size", "64 hex digits").hasLineCount(2);
        assertThat(launched).isEmpty();
    }

    @Test
    void aModelReadableHereThatDoesNotMatchItsPinExitsWithTwo() throws Exception {
        Path model = Files.writeString(temp.resolve("b0.onnx"), "not the pinned bytes");
        assertThat(run("--model", model.toString(), "--model-sha256", "0".repeat(64))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expects " + "0".repeat(64)).hasLineCount(1);
        assertThat(launched).isEmpty();
    }

    /** In application mode main() runs on the JobManager, which need not have the models. */
    @Test
    void aModelNotReadableHereIsLeftToTheTaskManagers() throws Exception {
        assertThat(run("--model", "/only/on/taskmanagers/b0.onnx", "--preflight", "false")).isZero();
        assertThat(launched).singleElement().extracting(ClassificationJob::modelName).isEqualTo("b0");
        assertThat(err.size()).isZero();
    }

    @Test
    void aKafkaThatCannotBeAskedFailsThePreflightWithOneAndSaysHowToSkipIt() throws Exception {
        assertThat(run("--model", "/only/on/taskmanagers/b0.onnx", "--bootstrap-servers", "no-such-host.invalid:9092"))
                .isEqualTo(ClassificationJob.EXIT_KAFKA).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("flink-vision: cannot connect to Kafka at no-such-host.invalid:9092")
                .contains("--preflight false");
        assertThat(launched).isEmpty();
    }
}
