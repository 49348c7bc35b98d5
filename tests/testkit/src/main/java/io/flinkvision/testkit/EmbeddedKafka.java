package io.flinkvision.testkit;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.utils.Utils;

/**
 * A real single-node Kafka (KRaft, combined broker + controller: Kafka's own {@code KafkaRaftServer})
 * inside this JVM, for the demo and tests. It listens on 127.0.0.1 only, on free ports it chooses,
 * keeps its logs in a temporary directory that {@link #close()} deletes, and is configured for one
 * node: replication factors and min ISR of the internal topics are 1, transactions may last an hour,
 * records may be 16 MiB (4K JPEG frames). Optionally its client listener requires SASL/PLAIN.
 *
 * <p>For a broker that can be killed and restarted on the same port and data, see {@link KafkaBrokerProcess}.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** Largest record the broker accepts and replicates. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** Free ports are chosen before the broker binds them; another process may win the race. */
    private static final int START_ATTEMPTS = 3;

    private final KafkaNode node;
    private final KafkaNodeConfig config;
    private boolean closed;

    private EmbeddedKafka(KafkaNode node, KafkaNodeConfig config) {
        this.node = node;
        this.config = config;
    }

    /** Starts a broker with the default single-node configuration. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * Starts a broker; {@code brokerOverrides} are broker configs (e.g. {@code log.retention.ms})
     * applied over the defaults.
     *
     * @throws IllegalStateException if the broker does not start (its cause says why)
     */
    public static EmbeddedKafka start(Map<String, String> brokerOverrides) {
        return builder().brokerConfig(brokerOverrides).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs a broker until Ctrl-C: see {@link EmbeddedKafkaCommand} ({@code tests/testkit/bin/kafka}). */
    public static void main(String[] args) {
        EmbeddedKafkaCommand.main(args);
    }

    /** host:port for Kafka clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return config.bootstrapServers();
    }

    /**
     * Client properties with {@code bootstrap.servers} set, to add to. With SASL on they authenticate as
     * the broker's own principal (the broker runs no authorizer, so any authenticated user may do anything).
     */
    public Properties clientProperties() {
        return config.clientProperties();
    }

    /**
     * Client properties that authenticate as {@code user} (SASL_PLAINTEXT, mechanism PLAIN).
     *
     * @throws IllegalArgumentException if the broker was not given that user
     */
    public Properties clientProperties(String user) {
        return config.clientPropertiesFor(user);
    }

    /**
     * Creates the topics (replication factor 1) and returns once the broker serves them.
     *
     * @throws IllegalStateException if a topic cannot be created (it already exists, bad name...)
     */
    public void createTopics(int partitions, String... topics) {
        KafkaTopics.create(clientProperties(), partitions, topics);
    }

    /** Where the broker keeps its logs (deleted by {@link #close()}). */
    public Path baseDirectory() {
        return config.dataDirectory();
    }

    /** Stops the broker and deletes its files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            node.close();
        } catch (RuntimeException e) {
            System.err.println("embedded Kafka: error while stopping: " + e);
        }
        deleteQuietly(config.dataDirectory());
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + baseDirectory() + "]";
    }

    /**
     * The broker logs through SLF4J 2 (fluent API); with SLF4J 1.7 first on the classpath it dies
     * later with a NoClassDefFoundError in a broker thread. Fail now, saying what to fix.
     */
    static void requireSlf4j2() {
        try {
            Class.forName("org.slf4j.spi.LoggingEventBuilder", false, EmbeddedKafka.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the embedded Kafka broker needs slf4j-api 2.0.x on the classpath,"
                    + " found an older one: " + slf4jLocation(), e);
        }
    }

    private static String slf4jLocation() {
        try {
            Class<?> factory = Class.forName("org.slf4j.LoggerFactory");
            return String.valueOf(factory.getProtectionDomain().getCodeSource().getLocation());
        } catch (ClassNotFoundException | RuntimeException e) {
            return "none";
        }
    }

    static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            System.err.println("embedded Kafka: cannot delete " + directory + ": " + e);
        }
    }

    private static boolean causedByBindFailure(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /** Broker configs and SASL users for an {@link EmbeddedKafka}; {@link #start()} checks and starts it. */
    public static final class Builder {
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private final Map<String, String> saslUsers = new LinkedHashMap<>();

        private Builder() {}

        /** A broker config applied over the single-node defaults, e.g. {@code log.retention.ms}. */
        public Builder brokerConfig(String name, String value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("broker config needs a name and a value, got " + name + "=" + value);
            }
            brokerConfig.put(name, value);
            return this;
        }

        public Builder brokerConfig(Map<String, String> overrides) {
            overrides.forEach(this::brokerConfig);
            return this;
        }

        /**
         * Requires SASL/PLAIN on the client listener and admits this user. Call once per user; clients
         * get their settings from {@link EmbeddedKafka#clientProperties(String)}.
         */
        public Builder saslPlainUser(String name, String password) {
            KafkaNodeConfig.validateSaslUser(name, password);
            saslUsers.put(name, password);
            return this;
        }

        /**
         * Starts the broker.
         *
         * @throws IllegalStateException if it does not start (its cause says why)
         */
        public EmbeddedKafka start() {
            requireSlf4j2();
            Exception last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                Path directory = null;
                try {
                    directory = Files.createTempDirectory("flink-vision-kafka-");
                    KafkaNodeConfig config = KafkaNodeConfig.of(directory, LoopbackPorts.free(), LoopbackPorts.free(),
                            saslUsers, brokerConfig);
                    return new EmbeddedKafka(KafkaNode.start(config.brokerProperties()), config);
                } catch (Exception e) {
                    deleteQuietly(directory);
                    last = e;
                    if (!causedByBindFailure(e)) {
                        break;
                    }
                }
            }
            throw new IllegalStateException("embedded Kafka broker did not start: " + last, last);
        }
    }
}
