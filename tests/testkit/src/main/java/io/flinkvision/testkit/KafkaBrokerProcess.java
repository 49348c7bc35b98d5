package io.flinkvision.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real single-node Kafka (the same combined KRaft node as {@link EmbeddedKafka}) in its own JVM, on a
 * fixed port and data directory, so a test can crash it ({@link #kill()}: SIGKILL), stop it gracefully
 * ({@link #stop()}), and {@link #restart()} it on the same address and data while its clients keep
 * running and reconnect. The JVM is {@code java} from this one's {@code java.home} on this JVM's
 * classpath; its output goes to {@link #logFile()}, every run appended.
 *
 * <pre>{@code
 * try (KafkaBrokerProcess broker = KafkaBrokerProcess.builder().start()) {
 *     broker.createTopics(1, "frames");
 *     ... produce ...
 *     broker.kill();
 *     broker.restart();
 *     ... consume ...
 * }
 * }</pre>
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final String READY = "KafkaBrokerProcess ready at ";
    private static final String CONFIG_FILE = "server.properties";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final KafkaNodeConfig config;
    private final boolean deleteOnClose;
    private final String classpath;
    private final List<String> jvmOptions;
    private final Duration startTimeout;
    private JavaProcess process;
    private boolean closed;

    private KafkaBrokerProcess(KafkaNodeConfig config, boolean deleteOnClose, String classpath,
            List<String> jvmOptions, Duration startTimeout) {
        this.config = config;
        this.deleteOnClose = deleteOnClose;
        this.classpath = classpath;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.startTimeout = startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The broker JVM's entry point (started by {@link #restart()}): formats the data directory on first
     * use, runs the node configured by {@code args[0]} (a broker properties file) until SIGTERM.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KafkaBrokerProcess BROKER_PROPERTIES_FILE");
            System.exit(2);
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        Map<String, String> brokerProperties = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(name -> brokerProperties.put(name, props.getProperty(name)));
        EmbeddedKafka.requireSlf4j2();
        KafkaNode node = KafkaNode.start(brokerProperties);
        // SIGTERM runs this: a controlled shutdown, so the next start needs no log recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "kafka-broker-stop"));
        System.out.println(READY + props.getProperty("advertised.listeners"));
        System.out.flush();
        node.awaitShutdown();
    }

    /** host:port for Kafka clients' {@code bootstrap.servers}; the same across restarts. */
    public String bootstrapServers() {
        return config.bootstrapServers();
    }

    /** Client properties with {@code bootstrap.servers} (and, with SASL, the broker's own principal) set. */
    public Properties clientProperties() {
        return config.clientProperties();
    }

    /** Client properties that authenticate as {@code user}, one given to {@link Builder#saslPlainUser}. */
    public Properties clientProperties(String user) {
        return config.clientPropertiesFor(user);
    }

    /** Creates the topics (replication factor 1) on the running broker. */
    public void createTopics(int partitions, String... topics) {
        KafkaTopics.create(clientProperties(), partitions, topics);
    }

    /** The broker's data (kept across restarts). */
    public Path dataDirectory() {
        return config.dataDirectory();
    }

    /** The broker JVM's stdout and stderr, every run appended after a {@code ====} header line. */
    public Path logFile() {
        return config.dataDirectory().resolve("broker.log");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker JVM's process id. */
    public synchronized long pid() {
        requireRunning("pid");
        return process.pid();
    }

    /** SIGKILL (kill -9): the broker dies at once, without a controlled shutdown, as in a crash. */
    public synchronized void kill() {
        requireRunning("kill");
        process.kill();
    }

    /** SIGTERM: a controlled shutdown (up to 30 s, then SIGKILL). */
    public synchronized void stop() {
        requireRunning("stop");
        process.stop(STOP_GRACE);
    }

    /**
     * Starts the broker JVM again on the same port and data, and waits until it serves clients. Data
     * that the broker acknowledged before a {@link #kill()} is there again (it was in the OS page cache).
     *
     * @throws IllegalStateException if it is still running, or does not start (the log's tail says why)
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("this broker is closed");
        }
        if (isRunning()) {
            throw new IllegalStateException("the broker is still running (pid " + process.pid()
                    + "): stop() or kill() it first");
        }
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dlog4j2.configurationFile=log4j2-process.properties");
        process = JavaProcess.start("kafka-broker " + bootstrapServers(), options, classpath,
                KafkaBrokerProcess.class.getName(), List.of(config.dataDirectory().resolve(CONFIG_FILE).toString()),
                config.dataDirectory(), logFile());
        try {
            process.awaitReady(READY, null, startTimeout);
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
    }

    /** Stops the broker (gracefully) and deletes its data directory if the builder chose it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process != null) {
            process.stop(STOP_GRACE);
        }
        if (deleteOnClose) {
            EmbeddedKafka.deleteQuietly(config.dataDirectory());
        }
    }

    private void requireRunning(String what) {
        if (!isRunning()) {
            throw new IllegalStateException("cannot " + what + ": the broker is not running"
                    + (process == null ? "" : " (" + process + ")"));
        }
    }

    @Override
    public String toString() {
        return "KafkaBrokerProcess[" + bootstrapServers() + ", " + dataDirectory()
                + (process == null ? "" : ", " + process) + "]";
    }

    /** Port, data directory, broker configs and SASL users; {@link #start()} checks them and starts the JVM. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path dataDirectory;
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private String classpath = System.getProperty("java.class.path");
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC"));
        private Duration startTimeout = Duration.ofSeconds(90);

        private Builder() {}

        /** The client port (default: a free one, chosen when started). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The controller's port (default: a free one). */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /**
         * Where the broker keeps its data, kept by {@link #close()}; an existing broker's data directory
         * restarts that broker. Default: a new temporary directory, deleted by close.
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /** A broker config applied over the single-node defaults. */
        public Builder brokerConfig(String name, String value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("broker config needs a name and a value, got " + name + "=" + value);
            }
            brokerConfig.put(name, value);
            return this;
        }

        /** Requires SASL/PLAIN on the client listener and admits this user (once per user). */
        public Builder saslPlainUser(String name, String password) {
            KafkaNodeConfig.validateSaslUser(name, password);
            saslUsers.put(name, password);
            return this;
        }

        /** The broker JVM's classpath (default: this JVM's, which has the testkit and Kafka's server). */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        /** An extra option for the broker JVM, e.g. {@code -Xmx1g} (default -Xmx512m, serial GC). */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** How long a start may take before it fails (default 90 s: the build machines are shared). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Writes the broker's configuration into its data directory and starts the JVM.
         *
         * @throws IllegalArgumentException if a setting is invalid (the message says which)
         * @throws IllegalStateException if the broker does not start (the log's tail says why)
         */
        public KafkaBrokerProcess start() {
            validatePort("port", port);
            validatePort("controllerPort", controllerPort);
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalArgumentException("classpath is empty: set it with classpath(...)");
            }
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
            boolean temporary = dataDirectory == null;
            try {
                Path directory = temporary ? Files.createTempDirectory("flink-vision-kafka-process-")
                        : Files.createDirectories(dataDirectory.toAbsolutePath());
                KafkaNodeConfig config = KafkaNodeConfig.of(directory,
                        port != 0 ? port : LoopbackPorts.free(),
                        controllerPort != 0 ? controllerPort : LoopbackPorts.free(), saslUsers, brokerConfig);
                writeProperties(config.brokerProperties(), directory.resolve(CONFIG_FILE));
                KafkaBrokerProcess broker = new KafkaBrokerProcess(config, temporary, classpath, jvmOptions,
                        startTimeout);
                try {
                    broker.restart();
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                return broker;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the broker's data directory", e);
            }
        }

        private static void validatePort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 1-65535, or 0 for a free one; got " + port);
            }
        }

        private static void writeProperties(Map<String, String> brokerProperties, Path file) throws IOException {
            Properties props = new Properties();
            props.putAll(brokerProperties);
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "written by KafkaBrokerProcess; read by its broker JVM at every start");
            }
        }
    }
}
