package io.flinkvision.job.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Checks, before the job starts, that Kafka takes what the job will write: each output topic's
 * {@code max.message.bytes} (the broker's {@code message.max.bytes} for a topic that does not exist
 * yet and will be auto-created) against the largest record the job writes there, and the broker's
 * {@code transaction.max.timeout.ms} against the sinks' transaction timeout. A record over the
 * topic's limit would fail the sink on every attempt, and the job would restart and fail again on
 * the same record; a transaction timeout over the broker's maximum fails every transactional producer.
 */
public final class KafkaPreflight {
    /** One output topic and the largest record the job writes to it. */
    public record TopicRequirement(String topic, String writes, long largestRecordBytes, String howToLower) {}

    private final Properties adminProperties;
    private final Duration timeout;

    /**
     * @param adminProperties bootstrap servers and the job's client settings (SASL, SSL)
     */
    public KafkaPreflight(Properties adminProperties, Duration timeout) {
        this.adminProperties = adminProperties;
        this.timeout = timeout;
    }

    /**
     * @param transactionTimeout the sinks' transaction.timeout.ms, or null without transactions
     * @throws PreflightException listing every problem found, each with what to change
     */
    public void check(Collection<TopicRequirement> topics, Duration transactionTimeout) {
        Properties props = new Properties();
        props.putAll(adminProperties);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(millis, 30_000)));
        String servers = props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        List<String> problems = new ArrayList<>();
        try (Admin admin = createAdmin(props, servers)) {
            Set<String> existing = get(admin.listTopics().names(), servers);
            Node broker = get(admin.describeCluster().nodes(), servers).stream().findFirst()
                    .orElseThrow(() -> new PreflightException("Kafka at " + servers + " reports no brokers"));
            ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, broker.idString());
            List<ConfigResource> resources = new ArrayList<>();
            resources.add(brokerResource);
            for (TopicRequirement t : topics) {
                if (existing.contains(t.topic())) {
                    resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t.topic()));
                }
            }
            Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all(), servers);
            Config brokerConfig = configs.get(brokerResource);
            for (TopicRequirement t : topics) {
                if (existing.contains(t.topic())) {
                    long limit = number(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.topic())),
                            "max.message.bytes");
                    if (limit >= 0 && limit < t.largestRecordBytes()) {
                        problems.add("topic '" + t.topic() + "' takes records up to " + limit + " bytes"
                                + " (max.message.bytes) but the job writes " + t.writes() + " of up to "
                                + t.largestRecordBytes() + " bytes: raise it (kafka-configs.sh --alter --entity-type"
                                + " topics --entity-name " + t.topic() + " --add-config max.message.bytes="
                                + t.largestRecordBytes() + ") or " + t.howToLower());
                    }
                } else {
                    long limit = number(brokerConfig, "message.max.bytes");
                    String autoCreate = value(brokerConfig, "auto.create.topics.enable");
                    if ("false".equalsIgnoreCase(autoCreate)) {
                        problems.add("topic '" + t.topic() + "' does not exist and the broker does not create topics"
                                + " (auto.create.topics.enable=false): create it with max.message.bytes >= "
                                + t.largestRecordBytes());
                    } else if (limit >= 0 && limit < t.largestRecordBytes()) {
                        problems.add("topic '" + t.topic() + "' does not exist; auto-created it would take records up"
                                + " to the broker's message.max.bytes " + limit + " but the job writes " + t.writes()
                                + " of up to " + t.largestRecordBytes() + " bytes: create it first with"
                                + " max.message.bytes=" + t.largestRecordBytes() + " or " + t.howToLower());
                    }
                }
            }
            if (transactionTimeout != null) {
                long max = number(brokerConfig, "transaction.max.timeout.ms");
                if (max >= 0 && transactionTimeout.toMillis() > max) {
                    problems.add("--transaction-timeout " + transactionTimeout + " is over the broker's"
                            + " transaction.max.timeout.ms " + max + " ms: the sinks could not start a transaction;"
                            + " lower --transaction-timeout or raise transaction.max.timeout.ms on the brokers");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PreflightException("Kafka cannot take what the job writes (--preflight false skips this check):\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static Admin createAdmin(Properties props, String servers) {
        try {
            return Admin.create(props);
        } catch (org.apache.kafka.common.KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PreflightException("cannot connect to Kafka at " + servers + ": " + cause.getMessage()
                    + " (check --bootstrap-servers and the kafka.* settings; --preflight false skips this check)", e);
        }
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String servers) {
        try {
            return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException("interrupted while checking the Kafka topics at " + servers, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof AuthenticationException) {
                // Fatal in the Kafka clients (no retries), so this comes at once, not after the timeout.
                throw new PreflightException("Kafka at " + servers + " refused the job's credentials (authentication"
                        + " failed: " + cause.getMessage() + "): check kafka.security.protocol, kafka.sasl.mechanism and"
                        + " kafka.sasl.jaas.config (from --config, the environment or flags)", cause);
            }
            if (cause instanceof AuthorizationException) {
                throw new PreflightException("Kafka at " + servers + " does not allow the job's principal to describe"
                        + " its topics and the cluster (" + cause.getMessage() + "): grant DESCRIBE and DESCRIBE_CONFIGS,"
                        + " or skip this check with --preflight false", cause);
            }
            throw new PreflightException("cannot check the Kafka topics at " + servers + " within " + timeout + ": "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                    + " (check --bootstrap-servers and the kafka.* security settings; --preflight false skips this check)",
                    cause);
        }
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }

    private static long number(Config config, String name) {
        String value = value(config, name);
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The job cannot run against this Kafka as configured; the message says what to change. */
    public static final class PreflightException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public PreflightException(String message) {
            super(message);
        }

        public PreflightException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
