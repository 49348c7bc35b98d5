package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line and properties-file settings are parsed, checked and layered as documented. */
class JobArgumentsTest {

    @Test
    void flagsOverrideTheConfigFileAndKafkaPropertiesPassThrough(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "batch-size=8\nframes-topic=cams\nwindow-size=1 min\nkafka.security.protocol=SASL_SSL\n");

        JobArguments args = JobArguments.parse(new String[] {
                "--config", file.toString(), "--batch-size", "4", "--window-size=30s",
                "--delivery-guarantee", "at-least-once", "--kafka.sasl.mechanism", "PLAIN",
                "--kafka.linger.ms=20"}, ClassificationJobOptions.class);

        assertThat(args.configuration().get(ClassificationJobOptions.BATCH_SIZE)).isEqualTo(4);
        assertThat(args.configuration().get(ClassificationJobOptions.FRAMES_TOPIC)).isEqualTo("cams");
        assertThat(args.configuration().get(ClassificationJobOptions.WINDOW_SIZE)).isEqualTo(Duration.ofSeconds(30));
        assertThat(args.configuration().get(ClassificationJobOptions.DELIVERY_GUARANTEE))
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(args.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").containsEntry("linger.ms", "20").hasSize(3);
        assertThat(args.configuration().get(ClassificationJobOptions.LABELLED_TOPIC)).isEqualTo("labelled-frames");
        assertThat(args.settings()).containsEntry("batch-size", "4").containsEntry("kafka.linger.ms", "20")
                .doesNotContainKey("config");
    }

    @Test
    void aBareBooleanFlagIsASwitchAndTheLastOfARepeatedFlagWins() {
        JobArguments args = JobArguments.parse(new String[] {"--stop-at-latest", "--batch-size", "3",
                "--ordered", "false", "--batch-size", "5", "--top-k", "-1"}, ClassificationJobOptions.class);
        assertThat(args.configuration().get(ClassificationJobOptions.STOP_AT_LATEST)).isTrue();
        assertThat(args.configuration().get(ClassificationJobOptions.ORDERED)).isFalse();
        assertThat(args.configuration().get(ClassificationJobOptions.BATCH_SIZE)).isEqualTo(5);
        assertThat(args.configuration().get(ClassificationJobOptions.TOP_K)).as("a negative number is a value")
                .isEqualTo(-1);
    }

    @Test
    void aValueThatStartsWithADashGoesAfterAnEqualsSign() {
        JobArguments args = JobArguments.parse(new String[] {"--kafka.ssl.key.password=--s3cr3t",
                "--kafka.sasl.jaas.config=-x y=z", "--mean=-0.5;0;0.5"}, ClassificationJobOptions.class);
        assertThat(args.kafkaProperties()).containsEntry("ssl.key.password", "--s3cr3t")
                .containsEntry("sasl.jaas.config", "-x y=z");
        assertThat(args.configuration().get(ClassificationJobOptions.MEAN)).containsExactly("-0.5", "0", "0.5");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--mean", "-0.5;0;0.5"}, ClassificationJobOptions.class))
                .hasMessage("--mean needs a value (a value that starts with '-' goes as --mean=VALUE)");
    }

    @Test
    void anUnknownSettingIsAnErrorThatNamesIt(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--batch-sise", "4"}, ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--batch-sise");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--help"}, ClassificationJobOptions.class))
                .hasMessageContaining("--help");
        Path file = Files.writeString(dir.resolve("job.properties"), "windowsize=5s\n");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--config", file.toString()},
                ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'windowsize'").hasMessageContaining(file.toString());
        assertThatThrownBy(() -> JobArguments.of(Map.of("bach-size", "4"), ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bach-size");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--config", dir.resolve("none").toString()},
                ClassificationJobOptions.class)).hasMessageStartingWith("cannot read --config");
    }

    @Test
    void aBadValueIsAnErrorThatNamesTheSetting() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--batch-size", "many"}, ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--batch-size")
                .hasMessageContaining("many");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--window-size=soon"}, ClassificationJobOptions.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--window-size");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--batch-size"}, ClassificationJobOptions.class))
                .hasMessageStartingWith("--batch-size needs a value");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--batch-size=2", "--batch-size=3"},
                ClassificationJobOptions.class)).hasMessageContaining("--batch-size given more than once");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"4"}, ClassificationJobOptions.class))
                .hasMessageStartingWith("unexpected argument");
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--", "4"}, ClassificationJobOptions.class))
                .hasMessageStartingWith("an empty flag");
    }

    /** Options of a job with a secret setting, to show that its value never reaches a message. */
    public static final class SecretOptions {
        public static final ConfigOption<Integer> TRUSTSTORE_PASSWORD = ConfigOptions.key("truststore-password")
                .intType().noDefaultValue().withDescription("A secret that happens to be a number.");
    }

    @Test
    void errorsNameSecretKeysButNeverRepeatTheirValues() {
        assertSecretKept(SecretOptions.class, "--truststore-password", "--truststore-password", "hunter2");
        assertSecretKept(SecretOptions.class, "--truststore-password", "--truststore-password=--hunter2");
        // ParameterTool reads "--hunter2" as a key: the message is about the setting that lost its value.
        assertSecretKept(ClassificationJobOptions.class, "--kafka.ssl.key.password", "--kafka.ssl.key.password",
                "--hunter2");
        assertSecretKept(ClassificationJobOptions.class, "--kafka.ssl.key.password", "--kafka.ssl.key.password",
                "-hunter2", "--batch-size", "4");
        // An unquoted JAAS line: ParameterTool's own error would list every argument.
        assertSecretKept(ClassificationJobOptions.class, "unexpected argument", "--kafka.sasl.jaas.config",
                "PlainLoginModule", "required", "password=hunter2");
        assertSecretKept(ClassificationJobOptions.class, "--kafka.sasl.jaas.config", "--kafka.sasl.jaas.config=Plain",
                "password=hunter2");
    }

    private static void assertSecretKept(Class<?> options, String named, String... args) {
        assertThatThrownBy(() -> JobArguments.parse(args, options))
                .as(String.join(" ", args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named).hasMessageNotContaining("hunter2").hasMessageNotContaining("Plain");
    }

    @Test
    void kafkaPropertiesComeFromTheEnvironmentBetweenTheConfigFileAndTheFlags(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("job.properties"),
                "kafka.security.protocol=SSL\nkafka.sasl.mechanism=SCRAM-SHA-512\nbatch-size=8\n");
        Map<String, String> environment = Map.of(
                "FLINKVISION_KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required password=\"hunter2\";",
                "FLINKVISION_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "FLINKVISION_KAFKA_SASL_MECHANISM", "PLAIN",
                "PATH", "/usr/bin", "FLINKVISION_SHARED", "/data");

        JobArguments args = JobArguments.parse(new String[] {"--config", file.toString(),
                "--kafka.sasl.mechanism", "SCRAM-SHA-256"}, ClassificationJobOptions.class, environment);

        assertThat(args.kafkaProperties())
                .containsEntry("sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";")
                .as("the environment wins over --config").containsEntry("security.protocol", "SASL_PLAINTEXT")
                .as("a flag wins over the environment").containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .hasSize(3);
        assertThat(args.configuration().get(ClassificationJobOptions.BATCH_SIZE)).isEqualTo(8);
        assertThat(JobArguments.parse(new String[0], ClassificationJobOptions.class, Map.of()).kafkaProperties())
                .isEmpty();
    }

    @Test
    void anEnvironmentVariableThatNamesNoKafkaPropertyIsNamedButNotShown() {
        for (String name : new String[] {"FLINKVISION_KAFKA_", "FLINKVISION_KAFKA_sasl_jaas", "FLINKVISION_KAFKA_SASL__X"}) {
            assertThatThrownBy(() -> JobArguments.parse(new String[0], ClassificationJobOptions.class,
                    Map.of(name, "password=hunter2")))
                    .as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("environment variable " + name + " ").hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void aValueStartingWithDashesAfterAnUnknownFlagIsNotEchoed() {
        // "--Ahunter2" sorts before the flag that lost it: reported in key order, it was the one shown.
        assertSecretKept(SecretOptions.class, "--truststore-passwd", "--truststore-passwd", "--Ahunter2");
        assertSecretKept(ClassificationJobOptions.class, "--kafka-ssl-password", "--kafka-ssl-password", "--0hunter2",
                "--batch-size", "4");
        // After a known setting that lost its value, the message is about that setting.
        assertSecretKept(SecretOptions.class, "--truststore-password", "--truststore-password", "--Ahunter2");
        // A switch takes no value: the unknown flag after it is named.
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--stop-at-latest", "--batch-sise", "4"},
                ClassificationJobOptions.class)).hasMessage("unknown setting '--batch-sise'");
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndDescription() {
        String help = JobArguments.help(ClassificationJobOptions.class);
        for (String key : JobArguments.settings(ClassificationJobOptions.class).keySet()) {
            assertThat(help).contains("--" + key + " ");
        }
        assertThat(help).contains("--config FILE", "--kafka.<prop> VALUE", "FLINKVISION_KAFKA_SASL_JAAS_CONFIG");
        assertThat(help).as("descriptions as text, not Description objects")
                .contains("Kafka bootstrap servers.").doesNotContain("Description@");
        assertThat(help).as("defaults as Flink writes them").contains("Default: localhost:9092.", "Default: 10 s.",
                "Default: exactly-once.");
        assertThat(help).as("enum values and types as labels").contains("--device CPU|CUDA", "--batch-size N",
                "--stop-at-latest [true|false]");
    }
}
