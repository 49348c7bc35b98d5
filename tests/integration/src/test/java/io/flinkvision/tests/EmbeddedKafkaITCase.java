package io.flinkvision.tests;

import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.EmbeddedKafkaExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.ImageFolderSource;
import io.flinkvision.publisher.PublishSummary;
import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The embedded broker: frames published and read back exactly, transactions, loopback-only, overrides, SASL and cleanup. */
class EmbeddedKafkaITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void sharedImagesPublishedOnTwoStreamsAreReadBackExactly() throws IOException {
        KAFKA.broker().createTopics(2, "frames-it");
        List<Path> files = new ImageFolderSource(SharedFixtures.images()).files();
        PublishSummary summary = FramePublisher.builder().bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("frames-it").source(new ImageFolderSource(SharedFixtures.images())).streams(2).fps(0)
                .build().run();
        assertThat(summary.framesPerStream()).containsOnlyKeys("cam-0", "cam-1").containsValues((long) files.size());

        List<ConsumerRecord<byte[], byte[]>> records = readAll("frames-it", 2, 2 * files.size(), "read_committed");

        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        Map<String, List<Long>> sequences = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Frame frame = codec.decode(record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(frame.getStreamId());
            assertThat(record.timestamp()).isEqualTo(frame.getCaptureTime().toEpochMilli());
            byte[] payload = new byte[frame.getPayload().remaining()];
            frame.getPayload().get(payload);
            Path file = files.get((int) frame.getSequence());
            assertThat(payload).as("payload of %s #%d", frame.getStreamId(), frame.getSequence())
                    .isEqualTo(Files.readAllBytes(file));
            assertThat(frame.getAttributes()).containsEntry("source", file.getFileName().toString());
            sequences.computeIfAbsent(frame.getStreamId(), s -> new ArrayList<>()).add(frame.getSequence());
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < files.size(); i++) {
            expected.add(i);
        }
        // Per stream in offset order: one key, one partition, so exactly the publishing order.
        assertThat(sequences).containsOnlyKeys("cam-0", "cam-1");
        assertThat(sequences.get("cam-0")).isEqualTo(expected);
        assertThat(sequences.get("cam-1")).isEqualTo(expected);
    }

    @Test
    void committedTransactionsAreVisibleAndAbortedOnesAreNot() {
        KAFKA.broker().createTopics(1, "tx-it");
        Properties props = KAFKA.broker().clientProperties();
        props.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-it-producer");
        // What the job's exactly-once sinks ask for; the broker must allow it.
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TimeUnit.MINUTES.toMillis(15)));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-it", "k", "committed"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-it", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-it", "k", "after"));
            producer.commitTransaction();
        }

        assertThat(values(readAll("tx-it", 1, 2, "read_committed"))).containsExactly("committed", "after");
        // The aborted record is in the log: only the isolation level hides it.
        assertThat(values(readAll("tx-it", 1, 3, "read_uncommitted"))).containsExactly("committed", "aborted", "after");
    }

    @Test
    void brokerListensOnLoopbackOnly() throws IOException {
        assertThat(KAFKA.broker().bootstrapServers()).startsWith("127.0.0.1:");
        int port = Integer.parseInt(KAFKA.broker().bootstrapServers().substring(KAFKA.broker().bootstrapServers().indexOf(':') + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        }
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address to try");
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), port), 5000);
            }
        }).as("connecting via %s", external.get()).isInstanceOf(ConnectException.class);
    }

    @Test
    void brokerIsConfiguredForOneNodeAndLargeFrames() throws Exception {
        Map<String, String> config = brokerConfig(KAFKA.broker());
        assertThat(config).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("message.max.bytes", Integer.toString(16 * 1024 * 1024))
                .containsEntry("replica.fetch.max.bytes", Integer.toString(16 * 1024 * 1024));
        assertThat(Long.parseLong(config.get("transaction.max.timeout.ms")))
                .isGreaterThanOrEqualTo(TimeUnit.MINUTES.toMillis(15));
    }

    @Test
    void overridesApplyAndCloseDeletesTheBrokersFilesOnce() throws Exception {
        EmbeddedKafka other = EmbeddedKafka.start(Map.of("message.max.bytes", "2048"));
        Path directory = other.baseDirectory();
        try {
            assertThat(directory).isDirectory();
            assertThat(other.bootstrapServers()).isNotEqualTo(KAFKA.broker().bootstrapServers());
            assertThat(brokerConfig(other)).containsEntry("message.max.bytes", "2048");
        } finally {
            other.close();
        }
        assertThat(directory).doesNotExist();
        other.close();
    }

    @Test
    void saslPlainAdmitsItsUsersAndRefusesWrongOrMissingCredentials() throws Exception {
        try (EmbeddedKafka secured = EmbeddedKafka.builder().saslPlainUser("alice", "alice-secret").start()) {
            secured.createTopics(1, "sasl-it");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    secured.clientProperties("alice"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("sasl-it", "k", "from alice")).get(30, TimeUnit.SECONDS);
            }
            assertThat(values(readAll(secured.clientProperties("alice"), "sasl-it", 1, 1, "read_committed")))
                    .containsExactly("from alice");

            Properties wrongPassword = secured.clientProperties("alice");
            wrongPassword.setProperty(SaslConfigs.SASL_JAAS_CONFIG,
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"guess\";");
            assertThatThrownBy(() -> describeCluster(wrongPassword))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);

            Properties noCredentials = new Properties();
            noCredentials.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secured.bootstrapServers());
            // A PLAINTEXT client on a SASL listener gets disconnected until it gives up.
            assertThatThrownBy(() -> describeCluster(noCredentials)).hasRootCauseInstanceOf(TimeoutException.class);

            assertThatThrownBy(() -> secured.clientProperties("mallory"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[alice]");
        }
        assertThatThrownBy(() -> KAFKA.broker().clientProperties("alice")).hasMessageContaining("no SASL listener");
    }

    private static void describeCluster(Properties props) throws Exception {
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void slf4jApi2IsOnTheClasspath() {
        // The broker's threads die with NoClassDefFoundError LoggingEventBuilder on SLF4J 1.7.
        String location = LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThat(location).contains("slf4j-api-2.0.");
    }

    private static Map<String, String> brokerConfig(EmbeddedKafka broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            String brokerId = String.valueOf(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)
                    .iterator().next().id());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            Map<String, String> values = new HashMap<>();
            config.entries().forEach(e -> values.put(e.name(), e.value()));
            return values;
        }
    }

    /** All records of a topic from the start, waiting until {@code expected} arrived (or 30 s). */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(
            String topic, int partitions, int expected, String isolationLevel) {
        return readAll(KAFKA.broker().clientProperties(), topic, partitions, expected, isolationLevel);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(
            Properties props, String topic, int partitions, int expected, String isolationLevel) {
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // One more poll: records beyond the expected ones (duplicates, aborted ones) must show up too.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
