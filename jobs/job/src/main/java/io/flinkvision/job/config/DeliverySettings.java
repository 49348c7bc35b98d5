package io.flinkvision.job.config;

import static io.flinkvision.job.config.ClassificationJobOptions.DELIVERY_GUARANTEE;
import static io.flinkvision.job.config.ClassificationJobOptions.EXPECTED_RESTART_TIME;
import static io.flinkvision.job.config.ClassificationJobOptions.GROUP_ID;
import static io.flinkvision.job.config.ClassificationJobOptions.JOB_NAME;
import static io.flinkvision.job.config.ClassificationJobOptions.TRANSACTIONAL_ID_PREFIX;
import static io.flinkvision.job.config.ClassificationJobOptions.TRANSACTION_TIMEOUT;

import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * What makes the job's Kafka output exactly-once, checked before it runs, each failure saying what
 * to change: a delivery guarantee that keeps every outcome (NONE is refused), a consumer group and
 * transactional-id prefix of this deployment's own (from {@code --job-name}), and a transaction
 * timeout that outlives the checkpoint that commits the transaction.
 */
public final class DeliverySettings {
    private DeliverySettings() {}

    /**
     * @throws IllegalArgumentException for NONE, or when neither {@code --job-name} nor both
     *     {@code --group-id} and {@code --transactional-id-prefix} are given
     */
    public static void validate(ReadableConfig config) {
        if (config.get(DELIVERY_GUARANTEE) == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("--delivery-guarantee none is refused: records in flight at a failure"
                    + " would be lost, so a frame could end with no outcome; use exactly-once (the default) or"
                    + " at-least-once");
        }
        groupId(config);
        transactionalIdPrefix(config);
        config.getOptional(JOB_NAME).ifPresent(name -> {
            if (name.isBlank()) {
                throw new IllegalArgumentException("--job-name must not be blank");
            }
        });
    }

    /** The Flink job's name: {@code --job-name} when given. */
    public static Optional<String> jobName(ReadableConfig config) {
        return config.getOptional(JOB_NAME);
    }

    /** {@code --group-id}, else {@code --job-name}. */
    public static String groupId(ReadableConfig config) {
        return config.getOptional(GROUP_ID).or(() -> config.getOptional(JOB_NAME))
                .orElseThrow(() -> missingName(GROUP_ID.key()));
    }

    /** {@code --transactional-id-prefix}, else {@code --job-name}. */
    public static String transactionalIdPrefix(ReadableConfig config) {
        return config.getOptional(TRANSACTIONAL_ID_PREFIX).or(() -> config.getOptional(JOB_NAME))
                .orElseThrow(() -> missingName(TRANSACTIONAL_ID_PREFIX.key()));
    }

    private static IllegalArgumentException missingName(String key) {
        return new IllegalArgumentException("give this deployment its own --job-name (or --" + key + "): it names the"
                + " Kafka consumer group and the sinks' transactional ids, and two jobs that share them take each"
                + " other's partitions and abort each other's transactions");
    }

    /**
     * With exactly-once and checkpointing on, a transaction opened just after a checkpoint is committed
     * by the next one: it must outlive the interval, a checkpoint that takes its whole timeout, and a
     * failover in between. Otherwise Kafka aborts it and the outcomes in it are lost.
     *
     * @param checkpointInterval 0 or negative: checkpointing off (transactions commit at the end only)
     * @throws InvalidSettingException when the transaction timeout is too short
     */
    public static void checkTransactionTimeout(ReadableConfig config, Duration checkpointInterval,
            Duration checkpointTimeout) {
        if (config.get(DELIVERY_GUARANTEE) != DeliveryGuarantee.EXACTLY_ONCE || checkpointInterval.isZero()
                || checkpointInterval.isNegative()) {
            return;
        }
        Duration restart = config.get(EXPECTED_RESTART_TIME);
        Duration needed = checkpointInterval.plus(checkpointTimeout).plus(restart);
        Duration timeout = config.get(TRANSACTION_TIMEOUT);
        if (timeout.compareTo(needed) <= 0) {
            throw new InvalidSettingException("--transaction-timeout " + text(timeout) + " is too short for"
                    + " exactly-once: it must be more than checkpoint interval " + text(checkpointInterval)
                    + " + checkpoint timeout " + text(checkpointTimeout) + " + --expected-restart-time " + text(restart)
                    + " = " + text(needed) + ", or Kafka aborts transactions a checkpoint still has to commit; raise"
                    + " --transaction-timeout (and the brokers' transaction.max.timeout.ms if needed) or lower"
                    + " --checkpoint-timeout");
        }
    }

    private static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
