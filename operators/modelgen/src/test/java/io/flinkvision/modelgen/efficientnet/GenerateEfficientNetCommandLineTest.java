package io.flinkvision.modelgen.efficientnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's command line: help, version, and its exit codes (writing a model is EfficientNetFamilyTest's). */
class GenerateEfficientNetCommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int execute(String... args) {
        return GenerateEfficientNet.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryFlagAndExitsZero() {
        assertThat(execute("--help")).isZero();
        assertThat(out()).startsWith("Usage: generate-efficientnet").contains("--variant=B0..B7", "--out=FILE",
                "--seed=N", "--import-weights=FILE", "--uncalibrated", "--version", "(default: 0)");
        assertThat(err()).isEmpty();
        assertThat(GenerateEfficientNet.run("-h")).startsWith("Usage: generate-efficientnet");
    }

    @Test
    void versionIsTheProjectVersion() {
        String version = System.getProperty("flinkvision.project.version");
        assertThat(version).as("set by surefire from the pom").isNotBlank();
        assertThat(execute("--version")).isZero();
        assertThat(out()).isEqualTo("flink-vision EfficientNet generator " + version + System.lineSeparator());
    }

    @Test
    void badFlagsAndValuesExitWithTwoAndTheUsage(@TempDir Path dir) {
        String model = dir.resolve("b0.onnx").toString();
        assertThat(execute("--variant", "B0", "--out", model, "--bogus")).isEqualTo(2);
        assertThat(execute("--variant", "B0")).isEqualTo(2);
        assertThat(execute("--variant", "B9", "--out", model)).isEqualTo(2);
        assertThat(execute("--variant", "B0", "--out", model, "--seed", "1", "--import-weights", model)).isEqualTo(2);
        assertThat(execute("--variant", "B0", "--out", model, "--import-weights", dir.resolve("none.onnx").toString()))
                .isEqualTo(2);
        assertThat(err()).contains("Unknown option: '--bogus'", "Missing required option: '--out=FILE'",
                "'B9' is not one of B0..B7", "mutually exclusive", "--import-weights: no such file", "Usage:");
        assertThat(out()).isEmpty();
        assertThat(Path.of(model)).doesNotExist();
    }

    @Test
    void aModelThatCannotBeWrittenExitsWithOne(@TempDir Path dir) throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        assertThat(execute("--variant", "B0", "--out", notAFolder.resolve("b0.onnx").toString(), "--uncalibrated"))
                .isEqualTo(1);
        assertThat(err()).startsWith("error: ").hasLineCount(1);
        assertThat(out()).isEmpty();
    }
}
