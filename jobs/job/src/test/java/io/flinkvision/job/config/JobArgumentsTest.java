package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line and properties-file settings are parsed, checked and layered as documented. */
class JobArgumentsTest {

    @Test
    void flagsOverrideTheConfigFileAndKafkaPropertiesPassThrough(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "batch-size=8\nframes-topic=cams\nkafka.security.protocol=SASL_SSL\n");

        JobArguments args = JobArguments.parse(new String[] {
                "--config", file.toString(), "--batch-size", "4", "--window-size=30s",
                "--delivery-guarantee", "at-least-once"}, ClassificationJobOptions.class);

        assertThat(args.configuration().get(ClassificationJobOptions.BATCH_SIZE)).isEqualTo(4);
        assertThat(args.configuration().get(ClassificationJobOptions.FRAMES_TOPIC)).isEqualTo("cams");
        assertThat(args.configuration().get(ClassificationJobOptions.WINDOW_SIZE)).isEqualTo(Duration.ofSeconds(30));
        assertThat(args.configuration().get(ClassificationJobOptions.DELIVERY_GUARANTEE))
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(args.kafkaProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(args.configuration().get(ClassificationJobOptions.LABELLED_TOPIC)).isEqualTo("labelled-frames");
    }

    @Test
    void aBareFlagIsABooleanSwitch() {
        JobArguments args = JobArguments.parse(new String[] {"--stop-at-latest"}, ClassificationJobOptions.class);
        assertThat(args.configuration().get(ClassificationJobOptions.STOP_AT_LATEST)).isTrue();
    }

    @Test
    void anUnknownSettingIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--batch-sise", "4"}, ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--batch-sise");
    }

    @Test
    void aBadValueIsAnErrorThatNamesTheSetting() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--batch-size", "many"}, ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--batch-size")
                .hasMessageContaining("many");
    }

    @Test
    void helpListsEveryOption() {
        String help = JobArguments.help(ClassificationJobOptions.class);
        assertThat(help).contains("--bootstrap-servers", "--model", "--batch-size", "--window-size", "kafka.<prop>");
        assertThat(help).as("descriptions as text, not Description objects")
                .contains("Kafka bootstrap servers.").doesNotContain("Description@");
    }
}
