package io.flinkvision.testkit;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The configuration of one combined KRaft node (broker + controller) on 127.0.0.1, shared by the
 * in-process {@link EmbeddedKafka} and the separate-JVM {@link KafkaBrokerProcess}: its ports, its data
 * directory, the single-node defaults, optional SASL/PLAIN users, and the client settings that reach it.
 */
final class KafkaNodeConfig {
    static final int NODE_ID = 1;
    static final String CLIENT_LISTENER = "CLIENT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The broker's own principal when SASL is on: inter-broker traffic goes through the SASL listener too. */
    static final String BROKER_USER = "broker";

    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Path dataDirectory;
    private final int clientPort;
    private final int controllerPort;
    private final Map<String, String> saslUsers;
    private final String brokerPassword;
    private final Map<String, String> overrides;

    private KafkaNodeConfig(Path dataDirectory, int clientPort, int controllerPort, Map<String, String> saslUsers,
            Map<String, String> overrides) {
        this.dataDirectory = dataDirectory;
        this.clientPort = clientPort;
        this.controllerPort = controllerPort;
        this.saslUsers = Collections.unmodifiableMap(new LinkedHashMap<>(saslUsers));
        this.brokerPassword = saslUsers.isEmpty() ? null : randomPassword();
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /**
     * @param saslUsers user name to password; empty for a PLAINTEXT client listener
     * @param overrides broker configs applied over the defaults (they may break what the defaults ensure)
     */
    static KafkaNodeConfig of(Path dataDirectory, int clientPort, int controllerPort, Map<String, String> saslUsers,
            Map<String, String> overrides) {
        return new KafkaNodeConfig(dataDirectory, clientPort, controllerPort, saslUsers, overrides);
    }

    /**
     * Checks a SASL/PLAIN user for a builder: the name and password go into a JAAS line, so quotes,
     * backslashes and semicolons would end it early.
     */
    static void validateSaslUser(String name, String password) {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("SASL user name must be letters, digits, '.', '_' or '-', got: " + name);
        }
        if (BROKER_USER.equals(name)) {
            throw new IllegalArgumentException("SASL user name '" + BROKER_USER
                    + "' is the broker's own principal; choose another name");
        }
        if (password == null || password.isEmpty() || password.matches(".*[\"\\\\;\\s].*")) {
            throw new IllegalArgumentException("SASL password of " + name
                    + " must be non-empty, without quotes, backslashes, semicolons or whitespace");
        }
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    int clientPort() {
        return clientPort;
    }

    boolean sasl() {
        return !saslUsers.isEmpty();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + clientPort;
    }

    /** The broker's configuration: single-node defaults, then the listeners and SASL, then the overrides. */
    Map<String, String> brokerProperties() {
        Map<String, String> config = new LinkedHashMap<>(singleNodeDefaults());
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        // Explicit 127.0.0.1: "localhost" may resolve to ::1 first, and a test broker must not be
        // reachable from the network.
        config.put("listeners", CLIENT_LISTENER + "://127.0.0.1:" + clientPort + ","
                + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", CLIENT_LISTENER + "://127.0.0.1:" + clientPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", CLIENT_LISTENER);
        config.put("listener.security.protocol.map", CLIENT_LISTENER + ":" + (sasl() ? "SASL_PLAINTEXT" : "PLAINTEXT")
                + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        // A static one-voter quorum: fixed ports, so a restarted node finds itself again.
        config.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        config.put("log.dirs", dataDirectory.resolve("log").toAbsolutePath().toString());
        if (sasl()) {
            String listener = "listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT);
            config.put(listener + ".sasl.enabled.mechanisms", "PLAIN");
            config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                    .append(" username=\"").append(BROKER_USER).append("\" password=\"").append(brokerPassword).append('"')
                    .append(" user_").append(BROKER_USER).append("=\"").append(brokerPassword).append('"');
            saslUsers.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"")
                    .append(password).append('"'));
            config.put(listener + ".plain.sasl.jaas.config", jaas.append(';').toString());
        }
        config.putAll(overrides);
        return config;
    }

    private static Map<String, String> singleNodeDefaults() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // The job's exactly-once sinks keep transactions open for up to a checkpoint interval and
        // ask for transaction.timeout.ms up to 15 min; the broker caps it at this.
        config.put("transaction.max.timeout.ms", Long.toString(TimeUnit.HOURS.toMillis(1)));
        config.put("message.max.bytes", Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        config.put("replica.fetch.max.bytes", Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        config.put("unstable.api.versions.enable", "false");
        config.put("unstable.feature.versions.enable", "false");
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        // A node restarted after a crash cannot register again until its previous incarnation's session
        // has expired (DUPLICATE_BROKER_REGISTRATION): 9 s by default, 4 s here.
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("broker.session.timeout.ms", "4000");
        // Without a bound, startup() waits forever for a broker that cannot be unfenced.
        config.put("server.max.startup.time.ms", Long.toString(TimeUnit.SECONDS.toMillis(60)));
        return config;
    }

    /** Client settings that reach the node: with SASL, as the broker's own principal (no authorizer runs). */
    Properties clientProperties() {
        return sasl() ? clientProperties(BROKER_USER, brokerPassword) : plainClientProperties();
    }

    /** Client settings that authenticate as {@code user}, one of the SASL users this node was given. */
    Properties clientPropertiesFor(String user) {
        if (!saslUsers.containsKey(user)) {
            throw new IllegalArgumentException(sasl()
                    ? "no SASL user '" + user + "'; the broker has " + saslUsers.keySet()
                    : "this broker has no SASL listener; build it with saslPlainUser(name, password)");
        }
        return clientProperties(user, saslUsers.get(user));
    }

    private Properties plainClientProperties() {
        Properties props = new Properties();
        props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    private Properties clientProperties(String user, String password) {
        Properties props = plainClientProperties();
        props.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.setProperty(SaslConfigs.SASL_MECHANISM, "PLAIN");
        props.setProperty(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
