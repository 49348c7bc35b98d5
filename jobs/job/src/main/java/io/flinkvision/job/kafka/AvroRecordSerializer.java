package io.flinkvision.job.kafka;

import io.flinkvision.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an Avro record as a Kafka record: value = Avro binary, key = the stream id (so one stream's
 * results stay in order in one partition), timestamp = the record's event time. The record first
 * goes through {@code prepare} (the dead-letter sink fits each dead letter to its size budget there).
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 2L;

    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, Long> timestamp;
    private final SerializableFunction<T, T> prepare;
    private transient AvroCodec<T> codec;

    public AvroRecordSerializer(
            String topic, Class<T> type, SerializableFunction<T, String> key,
            SerializableFunction<T, Long> timestamp) {
        this(topic, type, key, timestamp, record -> record);
    }

    public AvroRecordSerializer(
            String topic, Class<T> type, SerializableFunction<T, String> key,
            SerializableFunction<T, Long> timestamp, SerializableFunction<T, T> prepare) {
        this.topic = topic;
        this.type = type;
        this.key = key;
        this.timestamp = timestamp;
        this.prepare = prepare;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ignoredTimestamp) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        T record = prepare.apply(element);
        String k = key.apply(record);
        Long millis = timestamp.apply(record);
        // A negative timestamp makes new ProducerRecord throw, which would fail the job on one record:
        // the source keeps them out, and should one get here, the producer stamps the record instead.
        if (millis != null && millis < 0) {
            millis = null;
        }
        return new ProducerRecord<>(topic, null, millis,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8), codec.encode(record));
    }
}
