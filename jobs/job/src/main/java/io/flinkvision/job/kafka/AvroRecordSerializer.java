package io.flinkvision.job.kafka;

import io.flinkvision.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an Avro record as a Kafka record: value = Avro binary, key = the stream id (so one stream's
 * results stay in order in one partition), timestamp = the record's event time.
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, Long> timestamp;
    private transient AvroCodec<T> codec;

    public AvroRecordSerializer(
            String topic, Class<T> type, SerializableFunction<T, String> key,
            SerializableFunction<T, Long> timestamp) {
        this.topic = topic;
        this.type = type;
        this.key = key;
        this.timestamp = timestamp;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ignoredTimestamp) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        String k = key.apply(element);
        return new ProducerRecord<>(topic, null, timestamp.apply(element),
                k == null ? null : k.getBytes(StandardCharsets.UTF_8), codec.encode(element));
    }
}
