package io.flinkvision.job.kafka;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a frames-topic record into a {@link FrameEnvelope} that remembers where it came from. Bytes
 * that are not a {@link Frame} never throw (that would fail the job and replay the record forever):
 * they travel on as an envelope with the raw bytes and the error, and become a dead letter.
 */
public final class FrameEnvelopeDeserializer implements KafkaRecordDeserializationSchema<FrameEnvelope> {
    private static final long serialVersionUID = 1L;

    private transient AvroCodec<Frame> codec;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameEnvelope> out) {
        out.collect(toEnvelope(record));
    }

    FrameEnvelope toEnvelope(ConsumerRecord<byte[], byte[]> record) {
        if (codec == null) {
            codec = AvroCodec.of(Frame.class);
        }
        FrameEnvelope.Builder envelope = FrameEnvelope.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKafkaKey(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8))
                .setKafkaTimestamp(record.timestamp());
        byte[] value = record.value();
        try {
            return envelope.setFrame(codec.decode(value)).build();
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // OutOfMemoryError: garbage can declare a huge length; the allocation fails, the job must not.
            return envelope
                    .setRawBytes(ByteBuffer.wrap(value == null ? new byte[0] : value))
                    .setError(value == null || value.length == 0
                            ? "empty record value: not a Frame"
                            : "record value is not an Avro Frame: " + e.getMessage())
                    .build();
        }
    }

    @Override
    public TypeInformation<FrameEnvelope> getProducedType() {
        return new AvroTypeInfo<>(FrameEnvelope.class);
    }
}
