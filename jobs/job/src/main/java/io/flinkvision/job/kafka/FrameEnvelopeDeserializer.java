package io.flinkvision.job.kafka;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.SchemaHistory;
import io.flinkvision.schemas.UnknownSchemaException;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a frames-topic record into a {@link FrameEnvelope} that remembers where it came from. A
 * record that is not a usable frame never throws (that would fail the job and replay the record
 * forever): it travels on as an envelope with the raw bytes, the error and its reason, and becomes a
 * dead letter:
 *
 * <ul>
 *   <li>TOO_LARGE: the value is longer than {@code --max-frame-bytes} (not decoded);
 *   <li>NOT_A_FRAME: empty, or not an Avro Frame (no single-object header, garbage, truncated, trailing bytes);
 *   <li>UNKNOWN_SCHEMA: a single-object encoded record whose writer schema fingerprint is not in the
 *       job's {@link SchemaHistory} (nor in {@code --writer-schemas});
 *   <li>INVALID_TIMESTAMP: a Frame whose capture time is negative or outside the {@link FrameAdmission} window;
 *   <li>INVALID_FRAME: a Frame whose stream id is empty or longer than {@link FrameAdmission#MAX_STREAM_ID_CHARS}.
 * </ul>
 *
 * <p>Such an envelope carries no frame, so nothing of it reaches a watermark or an output timestamp
 * unchecked: its event time is its Kafka timestamp when that lies within the same window, else the
 * wall-clock time it was read.
 */
public final class FrameEnvelopeDeserializer implements KafkaRecordDeserializationSchema<FrameEnvelope> {
    private static final long serialVersionUID = 2L;

    private final FrameAdmission admission;
    private final List<String> extraWriterSchemas;
    private transient AvroCodec<Frame> codec;

    public FrameEnvelopeDeserializer(FrameAdmission admission) {
        this(admission, List.of());
    }

    /**
     * @param extraWriterSchemas Frame schemas (JSON) accepted besides the built-in history, e.g. a
     *     newer one producers start to write before the job is rebuilt with it
     * @throws IllegalArgumentException if one is not a Frame schema the current one can read
     */
    public FrameEnvelopeDeserializer(FrameAdmission admission, List<String> extraWriterSchemas) {
        this.admission = admission;
        this.extraWriterSchemas = List.copyOf(extraWriterSchemas);
        history(this.extraWriterSchemas); // refuse a bad one now, on the client
    }

    private static SchemaHistory history(List<String> schemas) {
        try {
            return SchemaHistory.builtIn().with(schemas.stream().map(json -> new Schema.Parser().parse(json)).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--writer-schemas: " + e.getMessage(), e);
        } catch (RuntimeException e) { // SchemaParseException
            throw new IllegalArgumentException("--writer-schemas: not an Avro schema: " + e.getMessage(), e);
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameEnvelope> out) {
        out.collect(toEnvelope(record));
    }

    FrameEnvelope toEnvelope(ConsumerRecord<byte[], byte[]> record) {
        if (codec == null) {
            codec = AvroCodec.of(Frame.class, history(extraWriterSchemas));
        }
        long now = admission.clock().millis();
        FrameEnvelope.Builder envelope = FrameEnvelope.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKafkaKey(key(record.key()))
                .setKafkaTimestamp(admission.usableOrNow(record.timestamp(), now));
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            return refused(envelope, value, ReasonCode.NOT_A_FRAME, "empty record value: not a Frame");
        }
        if (value.length > admission.maxRecordBytes()) {
            return refused(envelope, value, ReasonCode.TOO_LARGE, "record value of " + value.length
                    + " bytes is over --max-frame-bytes " + admission.maxRecordBytes() + ": not decoded");
        }
        Frame frame;
        try {
            frame = codec.decode(value);
        } catch (UnknownSchemaException e) {
            return refused(envelope, value, ReasonCode.UNKNOWN_SCHEMA, e.getMessage());
        } catch (IOException | RuntimeException e) {
            // AvroCodec bounds every length by the bytes at hand, so garbage cannot make it allocate.
            return refused(envelope, value, ReasonCode.NOT_A_FRAME, "record value is not an Avro Frame: " + e.getMessage());
        }
        String streamId = frame.getStreamId();
        if (streamId.isEmpty() || streamId.length() > FrameAdmission.MAX_STREAM_ID_CHARS) {
            return refused(envelope, value, ReasonCode.INVALID_FRAME, "stream id of " + streamId.length()
                    + " characters: a frame needs one of 1 to " + FrameAdmission.MAX_STREAM_ID_CHARS);
        }
        Instant captureTime = frame.getCaptureTime();
        String problem = admission.captureTimeProblem(captureTime.toEpochMilli(), now);
        if (problem != null) {
            return refused(envelope, value, ReasonCode.INVALID_TIMESTAMP, "stream " + streamId + " frame "
                    + frame.getSequence() + ": capture time " + captureTime.toEpochMilli() + " ms is " + problem);
        }
        return envelope.setFrame(frame).build();
    }

    private static FrameEnvelope refused(FrameEnvelope.Builder envelope, byte[] value, ReasonCode reason, String error) {
        return envelope.setRawBytes(ByteBuffer.wrap(value == null ? new byte[0] : value))
                .setError(error)
                .setErrorReason(reason)
                .build();
    }

    private static String key(byte[] key) {
        if (key == null) {
            return null;
        }
        // The key becomes the dead letter's stream id; don't carry megabytes of it around.
        int length = Math.min(key.length, FrameAdmission.MAX_STREAM_ID_CHARS * 4);
        return new String(key, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public TypeInformation<FrameEnvelope> getProducedType() {
        return new AvroTypeInfo<>(FrameEnvelope.class);
    }
}
