package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.flinkvision.job.kafka.KafkaConnectors;
import io.flinkvision.schemas.WindowSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Exactly-once settings are refused at start, each with what to change. */
class DeliverySettingsTest {
    private static Configuration config(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return JobArguments.of(settings, ClassificationJobOptions.class).configuration();
    }

    @Test
    void deliveryGuaranteeNoneIsRefused() {
        assertThatThrownBy(() -> DeliverySettings.validate(config("job-name", "a", "delivery-guarantee", "none")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--delivery-guarantee none is refused").hasMessageContaining("exactly-once");
        assertThatNoException().isThrownBy(() -> DeliverySettings.validate(
                config("job-name", "a", "delivery-guarantee", "at-least-once")));
    }

    @Test
    void aDeploymentWithoutANameIsRefusedAndTheNameGivesGroupAndPrefix() {
        assertThatThrownBy(() -> DeliverySettings.validate(config()))
                .hasMessageContaining("give this deployment its own --job-name");
        assertThatThrownBy(() -> DeliverySettings.validate(config("group-id", "g")))
                .hasMessageContaining("--transactional-id-prefix");

        Configuration named = config("job-name", "cams-north");
        assertThat(DeliverySettings.groupId(named)).isEqualTo("cams-north");
        assertThat(DeliverySettings.transactionalIdPrefix(named)).isEqualTo("cams-north");

        Configuration explicit = config("job-name", "cams-north", "group-id", "g", "transactional-id-prefix", "p");
        assertThat(DeliverySettings.groupId(explicit)).isEqualTo("g");
        assertThat(DeliverySettings.transactionalIdPrefix(explicit)).isEqualTo("p");
        assertThatNoException().isThrownBy(() -> DeliverySettings.validate(config("group-id", "g",
                "transactional-id-prefix", "p")));
    }

    @Test
    void theTransactionTimeoutMustOutliveIntervalPlusCheckpointTimeoutPlusRestart() {
        // Defaults: 15 min > 10 s + 10 min (Flink's checkpoint timeout) + 2 min.
        assertThatNoException().isThrownBy(() -> DeliverySettings.checkTransactionTimeout(config("job-name", "a"),
                Duration.ofSeconds(10), Duration.ofMinutes(10)));
        // The old default, 10 min, equal to Flink's checkpoint timeout: refused, with the sum and what to change.
        assertThatThrownBy(() -> DeliverySettings.checkTransactionTimeout(config("transaction-timeout", "10min"),
                Duration.ofSeconds(10), Duration.ofMinutes(10)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("--transaction-timeout 10m is too short")
                .hasMessageContaining("= 12m10s")
                .hasMessageContaining("raise --transaction-timeout");
        assertThatThrownBy(() -> DeliverySettings.checkTransactionTimeout(config("transaction-timeout", "7min",
                "expected-restart-time", "3min"), Duration.ofMinutes(1), Duration.ofMinutes(3)))
                .hasMessageContaining("--expected-restart-time 3m");
        // At-least-once has no transactions; without checkpointing they commit at the end only.
        assertThatNoException().isThrownBy(() -> DeliverySettings.checkTransactionTimeout(config("transaction-timeout",
                "1min", "delivery-guarantee", "at-least-once"), Duration.ofSeconds(10), Duration.ofMinutes(10)));
        assertThatNoException().isThrownBy(() -> DeliverySettings.checkTransactionTimeout(config("transaction-timeout",
                "1min"), Duration.ZERO, Duration.ofMinutes(10)));
    }

    @Test
    void windowSummariesAreKeyedByStreamAndWindowStart() {
        WindowSummary summary = WindowSummary.newBuilder().setStreamId("cam-1")
                .setWindowStart(Instant.ofEpochMilli(10_000)).setWindowEnd(Instant.ofEpochMilli(20_000))
                .setFramesIn(1).setFramesLabelled(1).setFramesDeadLettered(0).setLabels(List.of())
                .setLatencyP50Millis(1).setLatencyP95Millis(1).build();
        assertThat(KafkaConnectors.summaryKey(summary)).isEqualTo("cam-1/10000");
        WindowSummary next = WindowSummary.newBuilder(summary).setWindowStart(Instant.ofEpochMilli(20_000)).build();
        assertThat(KafkaConnectors.summaryKey(next)).isNotEqualTo(KafkaConnectors.summaryKey(summary));
    }
}
