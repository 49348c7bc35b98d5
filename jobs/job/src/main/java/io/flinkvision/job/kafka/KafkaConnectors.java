package io.flinkvision.job.kafka;

import static io.flinkvision.job.config.ClassificationJobOptions.BOOTSTRAP_SERVERS;
import static io.flinkvision.job.config.ClassificationJobOptions.DEAD_LETTER_MAX_BYTES;
import static io.flinkvision.job.config.ClassificationJobOptions.DEAD_LETTER_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.DELIVERY_GUARANTEE;
import static io.flinkvision.job.config.ClassificationJobOptions.FRAMES_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.LABELLED_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.MAX_CLOCK_SKEW;
import static io.flinkvision.job.config.ClassificationJobOptions.MAX_FRAME_AGE;
import static io.flinkvision.job.config.ClassificationJobOptions.MAX_FRAME_BYTES;
import static io.flinkvision.job.config.ClassificationJobOptions.STOP_AT_LATEST;
import static io.flinkvision.job.config.ClassificationJobOptions.SUMMARIES_TOPIC;
import static io.flinkvision.job.config.ClassificationJobOptions.TRANSACTION_TIMEOUT;

import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.DeliverySettings;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.util.List;
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
        DeliverySettings.validate(config);
        deadLetterBudget(); // a budget that cannot fit fails here, before anything starts
    }

    /**
     * The producers' max.request.size: a {@code kafka.max.request.size} given, else
     * {@code --max-frame-bytes}. No record the job writes is larger.
     */
    public int producerRequestSize() {
        String given = clientProperties.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (given == null) {
            return config.get(MAX_FRAME_BYTES);
        }
        try {
            return Integer.parseInt(given.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value for --kafka." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                    + " '" + given + "': not a number of bytes");
        }
    }

    /**
     * Most original bytes a dead letter carries: {@code --dead-letter-max-bytes}, by default the request
     * size less {@link DeadLetters#HEADROOM_BYTES}, so that every dead letter fits one request.
     *
     * @throws IllegalArgumentException if the configured budget would not fit
     */
    public int deadLetterBudget() {
        int requestSize = producerRequestSize();
        int largest = requestSize - DeadLetters.HEADROOM_BYTES;
        if (largest <= 0) {
            throw new IllegalArgumentException("the producers' max.request.size " + requestSize + " leaves no room for"
                    + " a dead letter (it needs " + DeadLetters.HEADROOM_BYTES + " bytes besides the original):"
                    + " raise --max-frame-bytes");
        }
        int budget = config.getOptional(DEAD_LETTER_MAX_BYTES).orElse(largest);
        if (budget < 0 || budget > largest) {
            throw new IllegalArgumentException("--" + DEAD_LETTER_MAX_BYTES.key() + " " + budget + " does not fit: a"
                    + " dead letter may carry 0 to " + largest + " original bytes (max.request.size " + requestSize
                    + " less " + DeadLetters.HEADROOM_BYTES + " for the rest of it); lower it or raise --"
                    + MAX_FRAME_BYTES.key());
        }
        return budget;
    }

    /**
     * Bound on a labelled frame or window summary record: a stream id of at most 512 chars, top-k
     * labels or boxes and a few numbers come to a few KiB; a quarter of a MiB leaves room for long labels.
     */
    public static final int LARGEST_RESULT_BYTES = 256 * 1024;

    /**
     * Checks that the output topics take the largest records the job writes there and that the broker
     * allows the sinks' transaction timeout.
     *
     * @throws KafkaPreflight.PreflightException saying what to change
     */
    public void preflight(java.time.Duration timeout) {
        Properties admin = new Properties();
        admin.putAll(clientProperties);
        admin.put("bootstrap.servers", config.get(BOOTSTRAP_SERVERS));
        String lowerResults = "nothing else: results are at most " + LARGEST_RESULT_BYTES + " bytes";
        List<KafkaPreflight.TopicRequirement> topics = List.of(
                new KafkaPreflight.TopicRequirement(config.get(DEAD_LETTER_TOPIC), "dead letters", producerRequestSize(),
                        "lower --" + MAX_FRAME_BYTES.key() + " (dead letters are fitted to the producers' max.request.size)"),
                new KafkaPreflight.TopicRequirement(config.get(LABELLED_TOPIC), "labelled frames", LARGEST_RESULT_BYTES,
                        lowerResults),
                new KafkaPreflight.TopicRequirement(config.get(SUMMARIES_TOPIC), "window summaries", LARGEST_RESULT_BYTES,
                        lowerResults));
        boolean transactions = config.get(DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE;
        new KafkaPreflight(admin, timeout).check(topics, transactions ? config.get(TRANSACTION_TIMEOUT) : null);
    }

    /** The contents of the {@code --writer-schemas} files. */
    List<String> writerSchemas() {
        List<String> schemas = new java.util.ArrayList<>();
        for (String file : config.getOptional(ClassificationJobOptions.WRITER_SCHEMAS).orElse(List.of())) {
            try {
                schemas.add(java.nio.file.Files.readString(java.nio.file.Path.of(file.strip())));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read --writer-schemas file " + file + ": " + e.getMessage(), e);
            }
        }
        return schemas;
    }

    /** What the frames source lets through as frames. */
    public FrameAdmission frameAdmission() {
        return FrameAdmission.of(config.get(MAX_FRAME_BYTES), config.get(MAX_FRAME_AGE), config.get(MAX_CLOCK_SKEW));
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
                .setGroupId(DeliverySettings.groupId(config))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
                .setDeserializer(new FrameEnvelopeDeserializer(frameAdmission(), writerSchemas()))
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

    /**
     * Key of a window summary record: {@code <stream id>/<window start, epoch ms>}. A late frame
     * re-emits its window's summary under the same key, so a compacted topic or a consumer that
     * upserts by key keeps the latest summary of each (stream, window).
     */
    public static String summaryKey(WindowSummary summary) {
        return summary.getStreamId() + "/" + summary.getWindowStart().toEpochMilli();
    }

    public KafkaSink<WindowSummary> summarySink() {
        return sink(config.get(SUMMARIES_TOPIC), "summaries", WindowSummary.class,
                KafkaConnectors::summaryKey, s -> s.getWindowEnd().toEpochMilli() - 1);
    }

    /** Each dead letter is fitted to {@link #deadLetterBudget()} as it is written: it always fits a request. */
    public KafkaSink<DeadLetter> deadLetterSink() {
        int budget = deadLetterBudget();
        return sink("dead-letters", new AvroRecordSerializer<>(
                config.get(DEAD_LETTER_TOPIC), DeadLetter.class, DeadLetter::getStreamId,
                d -> d.getEventTime().toEpochMilli(), d -> DeadLetters.withinBudget(d, budget)));
    }

    private <T extends SpecificRecord> KafkaSink<T> sink(
            String topic, String idSuffix, Class<T> type, SerializableFunction<T, String> key,
            SerializableFunction<T, Long> timestamp) {
        return sink(idSuffix, new AvroRecordSerializer<>(topic, type, key, timestamp));
    }

    private <T extends SpecificRecord> KafkaSink<T> sink(String idSuffix, AvroRecordSerializer<T> serializer) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(config.get(MAX_FRAME_BYTES)));
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(config.get(TRANSACTION_TIMEOUT).toMillis()));
        DeliveryGuarantee guarantee = config.get(DELIVERY_GUARANTEE);
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(props)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                // Each sink needs its own prefix: transactional ids must not collide across sinks.
                .setTransactionalIdPrefix(DeliverySettings.transactionalIdPrefix(config) + "-" + idSuffix)
                .build();
    }
}
