package io.flinkvision.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's flags and the job's settings on one command line; nothing here starts a broker. */
class DemoCommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine commandLine = Demo.commandLine();
        commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void helpListsTheDemoFlagsAndEveryJobSettingFromTheConfigOptions() throws Exception {
        assertThat(execute("--help")).isZero();
        String help = out.toString();
        assertThat(help).startsWith("Usage: jobs/demo/bin/demo").contains("--input=PATH", "--streams=N",
                "--max-frames=N", "--inject-bad=N", "--generated-model", "--timeout=SECONDS", "(default: 2)",
                "--version", "Job settings", "--config FILE", "--kafka.<prop> VALUE");
        for (var field : ClassificationJobOptions.class.getFields()) {
            ConfigOption<?> option = (ConfigOption<?>) field.get(null);
            assertThat(help).contains("--" + option.key() + " ");
        }
        assertThat(help).contains("Largest inference batch. Default: 2.");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void versionIsTheProjectVersion() {
        String version = System.getProperty("flinkvision.project.version");
        assertThat(version).as("set by surefire from the pom").isNotBlank();
        assertThat(execute("--version")).isZero();
        assertThat(out.toString()).isEqualTo("flink-vision demo " + version + System.lineSeparator());
    }

    @Test
    void badFlagsAndValuesExitWithTwoBeforeAnythingStarts() {
        assertThat(execute("--bogus")).isEqualTo(2);
        assertThat(execute("--streams", "0")).isEqualTo(2);
        assertThat(execute("--fps", "fast")).isEqualTo(2);
        assertThat(execute("--batch-size", "many")).isEqualTo(2);
        assertThat(execute("--window-size")).isEqualTo(2);
        assertThat(execute("--kafka.ssl.key.password", "-hunter2", "--streams", "1")).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(6)
                .contains("flink-vision demo: unknown setting '--bogus'", "--streams must be >= 1, got 0",
                        "'fast' is not a double", "bad value for --batch-size 'many'", "--window-size needs a value",
                        "--kafka.ssl.key.password needs a value")
                .doesNotContain("hunter2");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void theUsersJobSettingsWinOverTheDemosDefaultsButNotOverItsBrokerAndTopics() {
        JobArguments user = JobArguments.parse(new String[] {"--window-size", "20s", "--frames-topic", "mine",
            "--batch-size=4", "--kafka.linger.ms", "5"}, ClassificationJobOptions.class);
        DemoModel model = new DemoModel(Map.of("model", "/m.onnx"), true, null);

        JobArguments job = JobArguments.of(Demo.jobSettings(user.settings(), model, "127.0.0.1:1"),
                ClassificationJobOptions.class);
        Configuration settings = job.configuration();

        assertThat(settings.get(ClassificationJobOptions.WINDOW_SIZE)).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.get(ClassificationJobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.get(ClassificationJobOptions.BATCH_SIZE)).isEqualTo(4);
        assertThat(settings.get(ClassificationJobOptions.FRAMES_TOPIC)).isEqualTo("frames");
        assertThat(settings.get(ClassificationJobOptions.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:1");
        assertThat(settings.get(ClassificationJobOptions.MODEL)).isEqualTo("/m.onnx");
        assertThat(job.kafkaProperties()).containsEntry("linger.ms", "5");
    }
}
