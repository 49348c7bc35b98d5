package io.flinkvision.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A running combined KRaft node: Kafka's own {@link KafkaRaftServer}, on storage formatted here the way
 * {@code kafka-storage.sh format} does it, unless it was formatted before: then the same configuration
 * restarts the node on its existing data.
 *
 * <p>A fatal broker fault makes Kafka end the JVM it runs in, as a real broker would end.
 */
final class KafkaNode implements AutoCloseable {
    private final KafkaRaftServer server;
    private boolean closed;

    private KafkaNode(KafkaRaftServer server) {
        this.server = server;
    }

    /**
     * Formats the node's storage if needed and starts it. Returns once the broker is unfenced and
     * serves clients (KafkaRaftServer's startup waits for that, bounded by server.max.startup.time.ms).
     */
    static KafkaNode start(Map<String, String> brokerProperties) throws Exception {
        Properties props = new Properties();
        props.putAll(brokerProperties);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(config);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (Throwable t) {
            shutdown(server);
            throw t;
        }
        return new KafkaNode(server);
    }

    /**
     * Writes meta.properties and the bootstrap metadata (release version, production feature levels)
     * into the log directories. The formatter reports on a print stream: held here, and shown only if
     * formatting fails, so no one's stdout is touched.
     */
    private static void format(KafkaConfig config) throws Exception {
        // The formatter would verify a formatted directory against a new cluster id and fail.
        if (config.logDirs().stream().allMatch(dir -> Files.exists(Path.of(dir, "meta.properties")))) {
            return;
        }
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(report, true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setUnstableFeatureVersionsEnabled(false)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's storage " + config.logDirs() + ": " + e
                    + System.lineSeparator() + report.toString(StandardCharsets.UTF_8), e);
        }
    }

    /** Stops the node (a controlled shutdown) and waits until its threads have ended. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shutdown(server);
        }
    }

    /** Blocks until the node has shut down. */
    void awaitShutdown() {
        server.awaitShutdown();
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }
}
