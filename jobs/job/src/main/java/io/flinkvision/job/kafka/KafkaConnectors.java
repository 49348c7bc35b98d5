package io.flinkvision.job.kafka;

import static io.flinkvision.job.config.ClassificationJobOptions.BOOTSTRAP_SERVERS;
import static io.flinkvision.job.config.ClassificationJobOptions.DEAD_LETTER_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.DELIVERY_GUARANTEE;
import static io.flinkvision.job.config.ClassificationJobOptions.FRAMES_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.GROUP_ID;
import static io.flinkvision.job.config.ClassificationJobOptions.LABELLED_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.MAX_FRAME_BYTES;
import static io.flinkvision.job.config.ClassificationJobOptions.STOP_AT_LATEST;
import static io.flinkvision.job.config.ClassificationJobOptions.SUMMARIES_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.TRANSACTIONAL_ID_PREFIX;
import static io.flinkvision.job.config.ClassificationJobOptions.TRANSACTION_TIMEOUT;

import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Builds the job's Kafka source and sinks from its configuration. */
public final class KafkaConnectors {
    private final Configuration config;
    private final Properties clientProperties;

    /**
     * @param clientProperties passed to every Kafka client as they are (SASL, SSL...)
     */
    public KafkaConnectors(Configuration config, Properties clientProperties) {
        this.config = config;
        this.clientProperties = clientProperties;
    }

    public KafkaSource<FrameEnvelope> frameSource() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        String maxBytes = Integer.toString(config.get(MAX_FRAME_BYTES));
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxBytes);
        // Frames published inside producer transactions must not be seen before they commit.
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "10000");
        KafkaSourceBuilder<FrameEnvelope> builder = KafkaSource.<FrameEnvelope>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setTopics(config.get(FRAMES_TOPIC))
                .setGroupId(config.get(GROUP_ID))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
                .setDeserializer(new FrameEnvelopeDeserializer())
                .setProperties(props);
        if (config.get(STOP_AT_LATEST)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    public KafkaSink<LabelledFrame> labelledSink() {
        return sink(config.get(LABELLED_TOPIC), "labelled", LabelledFrame.class,
                LabelledFrame::getStreamId, f -> f.getCaptureTime().toEpochMilli());
    }

    public KafkaSink<WindowSummary> summarySink() {
        return sink(config.get(SUMMARIES_TOPIC), "summaries", WindowSummary.class,
                WindowSummary::getStreamId, s -> s.getWindowEnd().toEpochMilli() - 1);
    }

    public KafkaSink<DeadLetter> deadLetterSink() {
        return sink(config.get(DEAD_LETTER_TOPIC), "dead-letters", DeadLetter.class,
                DeadLetter::getStreamId, d -> d.getEventTime().toEpochMilli());
    }

    private <T extends SpecificRecord> KafkaSink<T> sink(
            String topic, String idSuffix, Class<T> type, SerializableFunction<T, String> key,
            SerializableFunction<T, Long> timestamp) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(config.get(MAX_FRAME_BYTES)));
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(config.get(TRANSACTION_TIMEOUT).toMillis()));
        DeliveryGuarantee guarantee = config.get(DELIVERY_GUARANTEE);
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(props)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, type, key, timestamp))
                .setDeliveryGuarantee(guarantee)
                // Each sink needs its own prefix: transactional ids must not collide across sinks.
                .setTransactionalIdPrefix(config.get(TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
                .build();
    }
}
