package io.flinkvision.testkit;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's three output topics with a read_committed consumer, as a downstream user would:
 * keeps what it read and tells a listener about each record as it arrives. Not thread-safe: poll
 * from one thread.
 */
public final class OutputTopicsReader implements AutoCloseable {
    /** Called for each record read, on the polling thread. */
    public interface Listener {
        default void onLabelled(LabelledFrame frame) {}

        default void onDeadLetter(DeadLetter deadLetter) {}

        default void onSummary(WindowSummary summary) {}
    }

    private final List<LabelledFrame> labelled = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<WindowSummary> summaries = new ArrayList<>();
    private Listener listener = new Listener() {};

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String labelledTopic;
    private final String deadLetterTopic;
    private final String summaryTopic;
    private final AvroCodec<LabelledFrame> labelledCodec = AvroCodec.of(LabelledFrame.class);
    private final AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.of(DeadLetter.class);
    private final AvroCodec<WindowSummary> summaryCodec = AvroCodec.of(WindowSummary.class);

    public OutputTopicsReader(String bootstrapServers, String labelledTopic, String deadLetterTopic, String summaryTopic) {
        this(bootstrapServersOnly(bootstrapServers), labelledTopic, deadLetterTopic, summaryTopic);
    }

    /**
     * @param clientProperties bootstrap servers and whatever else reaching the broker takes (SASL, e.g.
     *     {@link EmbeddedKafka#clientProperties(String)})
     */
    public OutputTopicsReader(Properties clientProperties, String labelledTopic, String deadLetterTopic,
            String summaryTopic) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.labelledTopic = labelledTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.summaryTopic = summaryTopic;
        consumer.subscribe(List.of(labelledTopic, deadLetterTopic, summaryTopic));
    }

    private static Properties bootstrapServersOnly(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Polls until {@code done} holds or the timeout passes; returns whether it holds. */
    public OutputTopicsReader listener(Listener listener) {
        this.listener = listener;
        return this;
    }

    public List<LabelledFrame> labelled() {
        return labelled;
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    public List<WindowSummary> summaries() {
        return summaries;
    }

    /** Frames accounted for so far: labelled + dead-lettered. */
    public long outcomes() {
        return labelled.size() + deadLetters.size();
    }

    /** Sum of framesIn over the window summaries read so far. */
    public long framesInWindows() {
        return summaries.stream().mapToLong(WindowSummary::getFramesIn).sum();
    }

    public boolean pollUntil(Predicate<OutputTopicsReader> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                add(record);
            }
        }
        return done.test(this);
    }

    /** Reads whatever else arrives within {@code quiet} (to catch duplicates after the expected counts). */
    public void drain(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                add(record);
            }
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(labelledTopic)) {
                LabelledFrame frame = labelledCodec.decode(record.value());
                labelled.add(frame);
                listener.onLabelled(frame);
            } else if (record.topic().equals(deadLetterTopic)) {
                DeadLetter deadLetter = deadLetterCodec.decode(record.value());
                deadLetters.add(deadLetter);
                listener.onDeadLetter(deadLetter);
            } else if (record.topic().equals(summaryTopic)) {
                WindowSummary summary = summaryCodec.decode(record.value());
                summaries.add(summary);
                listener.onSummary(summary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("output record on " + record.topic() + " is not valid Avro", e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
