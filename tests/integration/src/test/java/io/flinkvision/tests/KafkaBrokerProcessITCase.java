package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.testkit.KafkaBrokerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A broker in its own JVM: killed with SIGKILL or stopped, restarted on the same address and data. */
class KafkaBrokerProcessITCase {

    @Test
    void everythingAcknowledgedOrCommittedBeforeAKillIsThereAfterTheRestart() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.builder().start()) {
            broker.createTopics(1, "plain", "tx");
            String address = broker.bootstrapServers();
            long firstPid = broker.pid();

            Properties plainProps = broker.clientProperties();
            plainProps.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            plainProps.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            Properties txProps = broker.clientProperties();
            txProps.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-process-it");
            try (KafkaProducer<String, String> plain = producer(plainProps);
                    KafkaProducer<String, String> transactional = producer(txProps)) {
                sendAcknowledged(plain, "plain", "before", 200);
                transactional.initTransactions();
                commitTransaction(transactional, "tx", "before", 50);

                broker.kill();
                assertThat(broker.isRunning()).isFalse();
                long killedAt = System.nanoTime();
                broker.restart();
                System.out.printf("KafkaBrokerProcess: restart after SIGKILL took %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));

                assertThat(broker.bootstrapServers()).isEqualTo(address);
                assertThat(broker.pid()).isNotEqualTo(firstPid);
                // The same clients, never reconfigured: they reconnect to the same address.
                sendAcknowledged(plain, "plain", "after", 200);
                commitTransaction(transactional, "tx", "after", 50);
            }

            assertThat(readAll(broker, "plain", 400)).containsExactlyElementsOf(concat(
                    values("before", 200), values("after", 200)));
            assertThat(readAll(broker, "tx", 100)).containsExactlyElementsOf(concat(
                    values("before", 50), values("after", 50)));
            assertThat(broker.logFile()).content().contains("==== kafka-broker " + address);
        }
    }

    @Test
    void aGracefulStopKeepsTopicsAndCommittedGroupOffsets() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.builder().start()) {
            broker.createTopics(1, "offsets");
            try (KafkaProducer<String, String> producer = producer(broker.clientProperties())) {
                sendAcknowledged(producer, "offsets", "v", 10);
            }
            TopicPartition partition = new TopicPartition("offsets", 0);
            try (KafkaConsumer<String, String> consumer = consumer(broker, "group-a")) {
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(7)));
            }

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();

            try (KafkaConsumer<String, String> consumer = consumer(broker, "group-a")) {
                assertThat(consumer.committed(Set.of(partition), Duration.ofSeconds(30)).get(partition).offset())
                        .isEqualTo(7);
            }
            assertThat(readAll(broker, "offsets", 10)).containsExactlyElementsOf(values("v", 10));
        }
    }

    private static KafkaProducer<String, String> producer(Properties props) {
        props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static void sendAcknowledged(KafkaProducer<String, String> producer, String topic, String prefix, int count)
            throws Exception {
        for (String value : values(prefix, count)) {
            producer.send(new ProducerRecord<>(topic, value)).get(2, TimeUnit.MINUTES);
        }
    }

    private static void commitTransaction(KafkaProducer<String, String> producer, String topic, String prefix,
            int count) {
        producer.beginTransaction();
        for (String value : values(prefix, count)) {
            producer.send(new ProducerRecord<>(topic, value));
        }
        producer.commitTransaction();
    }

    private static KafkaConsumer<String, String> consumer(KafkaBrokerProcess broker, String group) {
        Properties props = broker.clientProperties();
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** The topic's committed values from the start, waiting until {@code expected} arrived (or 60 s), plus one poll. */
    private static List<String> readAll(KafkaBrokerProcess broker, String topic, int expected) {
        Properties props = broker.clientProperties();
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // Duplicates, if any, come right behind: one more poll must not find any.
            consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
        }
        return values;
    }

    private static List<String> values(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

}
