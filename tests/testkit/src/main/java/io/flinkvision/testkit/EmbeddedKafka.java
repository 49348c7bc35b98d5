package io.flinkvision.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) inside this JVM, for the demo and
 * tests. It listens on loopback on free ports, keeps its logs in a temporary directory that
 * {@link #close()} deletes, and is configured for one node: replication factors and min ISR of the
 * internal topics are 1, transactions may last an hour, records may be 16 MiB (4K JPEG frames).
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** Largest record the broker accepts and replicates. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private static final long START_TIMEOUT_SECONDS = 60;

    private final KafkaClusterTestKit cluster;
    private final Path baseDirectory;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDirectory) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        // The test kit names the host "localhost"; the listener is bound on 127.0.0.1 only.
        String kitServers = cluster.bootstrapServers();
        this.bootstrapServers = "127.0.0.1" + kitServers.substring(kitServers.lastIndexOf(':'));
    }

    /** Starts a broker with the default single-node configuration. */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /**
     * Starts a broker; {@code brokerOverrides} are broker configs (e.g. {@code log.retention.ms})
     * applied over the defaults.
     *
     * @throws IllegalStateException if the broker does not start (its cause says why)
     */
    public static EmbeddedKafka start(Map<String, String> brokerOverrides) {
        requireSlf4j2();
        Path baseDirectory = null;
        KafkaClusterTestKit cluster = null;
        try {
            baseDirectory = Files.createTempDirectory("flink-vision-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDirectory)
                    // The test kit defaults to the newest, still unstable, metadata version.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            Map<String, String> config = brokerConfig(nodes);
            config.putAll(brokerOverrides);
            config.forEach(builder::setConfigProp);
            cluster = builder.build();
            rebindOnLoopback(cluster);
            formatQuietly(cluster);
            cluster.startup();
            waitUntilReady(cluster);
            return new EmbeddedKafka(cluster, baseDirectory);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(cluster);
            deleteQuietly(baseDirectory);
            throw new IllegalStateException("embedded Kafka broker did not start: " + e, e);
        }
    }

    /**
     * Runs a broker until Ctrl-C, for trying the publisher or the job without a Kafka installation.
     * Arguments: topics to create, as NAME or NAME:PARTITIONS. Prints the bootstrap servers on stdout.
     */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
        for (String arg : args) {
            int colon = arg.lastIndexOf(':');
            kafka.createTopics(colon < 0 ? 1 : Integer.parseInt(arg.substring(colon + 1)),
                    colon < 0 ? arg : arg.substring(0, colon));
        }
        System.out.println(kafka.bootstrapServers());
        System.err.println("embedded Kafka running at " + kafka.bootstrapServers()
                + " (Ctrl-C stops it and deletes " + kafka.baseDirectory() + ")");
        new CountDownLatch(1).await();
    }

    /** Single-node defaults; see the class comment. */
    static Map<String, String> brokerConfig(TestKitNodes nodes) {
        Map<String, String> config = new LinkedHashMap<>();
        // Explicit 127.0.0.1 listeners: the test kit's default "localhost" may resolve to ::1 first.
        config.put("listeners", nodes.brokerListenerName().value() + "://127.0.0.1:0,"
                + nodes.controllerListenerName().value() + "://127.0.0.1:0");
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
        config.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        config.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        // A demo broker runs released features only (the test kit enables unstable ones).
        config.put("unstable.api.versions.enable", "false");
        config.put("unstable.feature.versions.enable", "false");
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        return config;
    }

    /** host:port for Kafka clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client properties with {@code bootstrap.servers} set, to add to. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * Creates the topics (replication factor 1) and returns once the broker has created them.
     *
     * @throws IllegalStateException if a topic cannot be created (it already exists, bad name...)
     */
    public void createTopics(int partitions, String... topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            awaitServed(admin, List.of(topics), System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + List.of(topics), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creation is acknowledged by the controller; the broker learns of the topics a moment later, and
     * until then describing them fails with UnknownTopicOrPartitionException. Retries until it does not.
     */
    private static void awaitServed(Admin admin, List<String> topics, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Where the broker keeps its logs (deleted by {@link #close()}). */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /** Stops the broker and deletes its files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(cluster);
        deleteQuietly(baseDirectory);
    }

    /**
     * Formats the node's storage. Kafka's formatter prints its bootstrap metadata (two long lines)
     * to System.out, in the middle of the demo's output: hold them back, and show them only if
     * formatting fails. Other threads' stdout in these milliseconds is held back too.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        System.setOut(new PrintStream(held, true, StandardCharsets.UTF_8));
        try {
            cluster.format();
        } catch (Exception e) {
            System.setOut(stdout);
            stdout.print(held.toString(StandardCharsets.UTF_8));
            throw e;
        } finally {
            System.setOut(stdout);
        }
    }

    private static void waitUntilReady(KafkaClusterTestKit cluster) throws Exception {
        // waitForReadyBrokers() has no timeout of its own: bound it, a broken broker must not hang the demo.
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                cluster.waitForReadyBrokers();
                ready.complete(null);
            } catch (Throwable t) {
                ready.completeExceptionally(t);
            }
        }, "embedded-kafka-start");
        waiter.setDaemon(true);
        waiter.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            waiter.interrupt();
        }
    }

    /**
     * The test kit pre-binds its listener ports on all interfaces (0.0.0.0) to learn them before
     * the servers start. A demo broker must not be reachable from the network, so close those
     * sockets: the servers then bind the same ports on the configured 127.0.0.1 listeners.
     * Best effort: if a later test kit changes these internals, the broker still starts, unchanged.
     */
    private static void rebindOnLoopback(KafkaClusterTestKit cluster) {
        try {
            Field managerField = KafkaClusterTestKit.class.getDeclaredField("socketFactoryManager");
            managerField.setAccessible(true);
            Object manager = managerField.get(cluster);
            Field socketsField = manager.getClass().getDeclaredField("sockets");
            socketsField.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<Integer, Map<String, ServerSocketChannel>> sockets =
                    (Map<Integer, Map<String, ServerSocketChannel>>) socketsField.get(manager);
            synchronized (manager) {
                for (Map<String, ServerSocketChannel> byListener : sockets.values()) {
                    for (ServerSocketChannel channel : byListener.values()) {
                        channel.close();
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            System.err.println("embedded Kafka: cannot restrict listeners to loopback (" + e
                    + "); the broker listens on all interfaces");
        }
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

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("embedded Kafka: error while stopping: " + e);
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            System.err.println("embedded Kafka: cannot delete " + directory + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", " + baseDirectory + "]";
    }
}
