package io.flinkvision.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Frames-topic records become envelopes; a record that is not a usable frame never throws and says why. */
class FrameEnvelopeDeserializerTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final int MAX_BYTES = 64 * 1024;
    private static final FrameAdmission ADMISSION = new FrameAdmission(MAX_BYTES, Duration.ofHours(1),
            Duration.ofSeconds(10), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    private static final AvroCodec<Frame> CODEC = AvroCodec.of(Frame.class);

    private final FrameEnvelopeDeserializer deserializer = new FrameEnvelopeDeserializer(ADMISSION);

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return record(key, value, NOW - 5);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value, long timestamp) {
        return new ConsumerRecord<>("frames", 3, 42L, timestamp, TimestampType.CREATE_TIME,
                -1, -1, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(),
                Optional.empty());
    }

    private static Frame frame(String streamId, long captureMillis, int payloadBytes) {
        return Frame.newBuilder().setStreamId(streamId).setSequence(9)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis)).setEncoding(FrameEncoding.JPEG)
                .setWidth(0).setHeight(0).setPayload(ByteBuffer.wrap(new byte[payloadBytes])).setAttributes(Map.of())
                .build();
    }

    @Test
    void aValidFrameKeepsItsSourcePosition() {
        Frame frame = frame("cam-7", NOW - 1_000, 2);
        FrameEnvelope envelope = deserializer.toEnvelope(record("cam-7", CODEC.encode(frame)));

        assertThat(envelope.getFrame()).isEqualTo(frame);
        assertThat(envelope.getSourceTopic()).isEqualTo("frames");
        assertThat(envelope.getSourcePartition()).isEqualTo(3);
        assertThat(envelope.getSourceOffset()).isEqualTo(42L);
        assertThat(envelope.getKafkaKey()).isEqualTo("cam-7");
        assertThat(envelope.getKafkaTimestamp()).isEqualTo(NOW - 5);
        assertThat(envelope.getError()).isNull();
        assertThat(envelope.getErrorReason()).isNull();
    }

    @Test
    void randomBytesBecomeAnEnvelopeWithTheRawBytesAndAnError() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(300)];
            random.nextBytes(garbage);
            FrameEnvelope envelope = deserializer.toEnvelope(record("cam-1", garbage));
            assertThat(envelope.getFrame()).isNull();
            assertThat(envelope.getError()).startsWith("record value is not an Avro Frame");
            assertThat(envelope.getErrorReason()).isEqualTo(ReasonCode.NOT_A_FRAME);
            assertThat(envelope.getRawBytes().array()).isEqualTo(garbage);
            assertThat(envelope.getKafkaKey()).isEqualTo("cam-1");
        }
    }

    @Test
    void anEmptyOrNullValueIsNotAFrame() {
        for (byte[] value : new byte[][] {new byte[0], null}) {
            FrameEnvelope envelope = deserializer.toEnvelope(record(null, value));
            assertThat(envelope.getError()).contains("empty");
            assertThat(envelope.getErrorReason()).isEqualTo(ReasonCode.NOT_A_FRAME);
        }
    }

    @Test
    void textIsNotAFrame() {
        FrameEnvelope envelope = deserializer.toEnvelope(record("k", "hello, world".getBytes(StandardCharsets.UTF_8)));
        assertThat(envelope.getFrame()).isNull();
        assertThat(envelope.getErrorReason()).isEqualTo(ReasonCode.NOT_A_FRAME);
    }

    @Test
    void aValueOverTheRecordLimitIsTooLargeAndNotDecoded() {
        byte[] value = CODEC.encode(frame("cam-1", NOW, MAX_BYTES));
        FrameEnvelope envelope = deserializer.toEnvelope(record("cam-1", value));
        assertThat(envelope.getFrame()).isNull();
        assertThat(envelope.getErrorReason()).isEqualTo(ReasonCode.TOO_LARGE);
        assertThat(envelope.getError()).contains(Integer.toString(value.length)).contains("--max-frame-bytes");
        assertThat(envelope.getRawBytes().remaining()).isEqualTo(value.length);

        byte[] justFits = CODEC.encode(frame("cam-1", NOW, MAX_BYTES - 64));
        assertThat(justFits.length).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(deserializer.toEnvelope(record("cam-1", justFits)).getFrame()).isNotNull();
    }

    @Test
    void captureTimesOutsideTheWindowAreInvalidTimestampsAndNeverReachTheEnvelopesEventTime() {
        long[] bad = {-1L, Long.MIN_VALUE, NOW - Duration.ofHours(1).toMillis() - 1, NOW + 10_001, Long.MAX_VALUE};
        for (long captureMillis : bad) {
            FrameEnvelope envelope = deserializer.toEnvelope(record("cam-2", CODEC.encode(frame("cam-2", captureMillis, 4))));
            assertThat(envelope.getFrame()).as("capture time %d", captureMillis).isNull();
            assertThat(envelope.getErrorReason()).as("capture time %d", captureMillis).isEqualTo(ReasonCode.INVALID_TIMESTAMP);
            assertThat(envelope.getError()).contains("cam-2").contains(Long.toString(captureMillis));
        }
        long[] good = {NOW - Duration.ofHours(1).toMillis(), NOW, NOW + 10_000};
        for (long captureMillis : good) {
            assertThat(deserializer.toEnvelope(record("cam-2", CODEC.encode(frame("cam-2", captureMillis, 4)))).getFrame())
                    .as("capture time %d", captureMillis).isNotNull();
        }
    }

    @Test
    void aKafkaTimestampOutsideTheWindowIsReplacedByTheTimeOfReading() {
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        assertThat(deserializer.toEnvelope(record("k", garbage, -1L)).getKafkaTimestamp()).isEqualTo(NOW);
        assertThat(deserializer.toEnvelope(record("k", garbage, NOW + 3_600_000)).getKafkaTimestamp()).isEqualTo(NOW);
        assertThat(deserializer.toEnvelope(record("k", garbage, NOW - 1_000)).getKafkaTimestamp()).isEqualTo(NOW - 1_000);
    }

    @Test
    void anEmptyOrOverlongStreamIdIsAnInvalidFrame() {
        for (String streamId : new String[] {"", "x".repeat(FrameAdmission.MAX_STREAM_ID_CHARS + 1)}) {
            FrameEnvelope envelope = deserializer.toEnvelope(record("k", CODEC.encode(frame(streamId, NOW, 4))));
            assertThat(envelope.getFrame()).isNull();
            assertThat(envelope.getErrorReason()).isEqualTo(ReasonCode.INVALID_FRAME);
        }
        String longest = "y".repeat(FrameAdmission.MAX_STREAM_ID_CHARS);
        assertThat(deserializer.toEnvelope(record("k", CODEC.encode(frame(longest, NOW, 4)))).getFrame()).isNotNull();
    }

    @Test
    void aHugeKeyIsCutBeforeItTravelsOn() {
        FrameEnvelope envelope = deserializer.toEnvelope(record("k".repeat(1_000_000), new byte[] {1}));
        assertThat(envelope.getKafkaKey().length()).isLessThanOrEqualTo(FrameAdmission.MAX_STREAM_ID_CHARS * 4);
    }

    /** The Frame schema with one more optional field, and a frame written with it (single-object encoding). */
    private static byte[] evolvedFrame(org.apache.avro.Schema evolved) throws java.io.IOException {
        org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(evolved);
        Frame frame = frame("cam-9", NOW, 3);
        for (org.apache.avro.Schema.Field f : Frame.getClassSchema().getFields()) {
            Object v = frame.get(f.pos());
            record.put(f.name(), v instanceof Instant i ? i.toEpochMilli()
                    : v instanceof FrameEncoding e ? new org.apache.avro.generic.GenericData.EnumSymbol(f.schema(), e.name()) : v);
        }
        record.put("lens", "wide");
        ByteBuffer buffer = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), evolved).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static org.apache.avro.Schema evolvedSchema() {
        org.apache.avro.Schema current = Frame.getClassSchema();
        java.util.List<org.apache.avro.Schema.Field> fields = new java.util.ArrayList<>();
        for (org.apache.avro.Schema.Field f : current.getFields()) {
            fields.add(new org.apache.avro.Schema.Field(f, f.schema()));
        }
        fields.add(new org.apache.avro.Schema.Field("lens", org.apache.avro.Schema.createUnion(
                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL),
                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)), null,
                org.apache.avro.Schema.Field.NULL_DEFAULT_VALUE));
        return org.apache.avro.Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
    }

    @Test
    void aFrameWithAnUnknownWriterSchemaIsUnknownSchemaAndWithItGivenItIsAFrame() throws Exception {
        org.apache.avro.Schema evolved = evolvedSchema();
        byte[] value = evolvedFrame(evolved);

        FrameEnvelope unknown = deserializer.toEnvelope(record("cam-9", value));
        assertThat(unknown.getFrame()).isNull();
        assertThat(unknown.getErrorReason()).isEqualTo(ReasonCode.UNKNOWN_SCHEMA);
        assertThat(unknown.getError()).contains("--writer-schemas");

        FrameEnvelope known = new FrameEnvelopeDeserializer(ADMISSION, java.util.List.of(evolved.toString()))
                .toEnvelope(record("cam-9", value));
        assertThat(known.getFrame()).isEqualTo(frame("cam-9", NOW, 3));
    }

    @Test
    void aWriterSchemaThatIsNoSchemaOrCannotBeReadIsRefusedAtOnce() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FrameEnvelopeDeserializer(ADMISSION,
                java.util.List.of("{not json"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--writer-schemas");
        String noCaptureTime = Frame.getClassSchema().toString().replace("\"captureTime\"", "\"takenAt\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FrameEnvelopeDeserializer(ADMISSION,
                java.util.List.of(noCaptureTime))).hasMessageContaining("cannot be read by the current one");
    }
}
