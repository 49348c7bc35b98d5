package io.flinkvision.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Frames carry their writer schema's fingerprint; readers resolve every schema in the history. */
class SchemaHistoryTest {
    private static final Frame FRAME = Frame.newBuilder()
            .setStreamId("cam-1").setSequence(7).setCaptureTime(Instant.ofEpochMilli(1_000))
            .setEncoding(FrameEncoding.JPEG).setWidth(2).setHeight(1)
            .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).setAttributes(Map.of("k", "v")).build();

    /** Frame plus an optional field, as a newer producer might write it. */
    static Schema evolvedFrameSchema() {
        Schema current = Frame.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("exposureMicros", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.LONG)), "added later", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    static byte[] writeEvolved(Schema evolved) throws IOException {
        GenericRecord record = new GenericData.Record(evolved);
        for (Schema.Field f : Frame.getClassSchema().getFields()) {
            Object v = FRAME.get(f.pos());
            record.put(f.name(), v instanceof Instant i ? i.toEpochMilli() : v instanceof FrameEncoding e
                    ? new GenericData.EnumSymbol(f.schema(), e.name()) : v);
        }
        record.put("exposureMicros", 8_000L);
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), evolved).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void everyCurrentWireSchemaIsInTheHistoryFiles() {
        // Fails when a wire schema changes without its new version in schemas/src/main/avro/history:
        // dump the current schema there (Schema.toString(true)) as <Name>.v<n+1>.avsc and list it in INDEX.
        SchemaHistory filesOnly = SchemaHistory.builtIn();
        for (Schema current : SchemaHistory.currentWireSchemas()) {
            assertThat(filesOnly.versionsOf(current.getFullName()))
                    .as("versions of %s", current.getFullName())
                    .anySatisfy(s -> assertThat(SchemaHistory.fingerprint(s)).isEqualTo(SchemaHistory.fingerprint(current)));
        }
    }

    @Test
    void bytesCarryTheSingleObjectHeaderAndRoundTrip() throws IOException {
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        byte[] bytes = codec.encode(FRAME);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaHistory.fingerprint(Frame.getClassSchema()));
        assertThat(codec.decode(bytes)).isEqualTo(FRAME);
    }

    @Test
    void aFrameWrittenWithANewerSchemaInTheHistoryIsReadAndOneNotInItIsAnUnknownSchema() throws IOException {
        Schema evolved = evolvedFrameSchema();
        byte[] bytes = writeEvolved(evolved);

        assertThatThrownBy(() -> AvroCodec.of(Frame.class).decode(bytes)).isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining(String.format("%016x", SchemaHistory.fingerprint(evolved)));

        Frame read = AvroCodec.of(Frame.class, SchemaHistory.builtIn().with(List.of(evolved))).decode(bytes);
        assertThat(read).isEqualTo(FRAME); // the new field skipped, every old one kept
    }

    @Test
    void anIncompatibleWriterSchemaIsRefusedWhenTheHistoryIsBuilt() {
        Schema current = Frame.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("captureTime")) { // a required field dropped: old readers cannot fill it
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema broken = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        assertThatThrownBy(() -> SchemaHistory.builtIn().with(List.of(broken)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read by the current one");
    }

    @Test
    void garbageAfterAValidHeaderNeverAllocatesWhatItDeclares() {
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        byte[] header = java.util.Arrays.copyOf(codec.encode(FRAME), 10);
        // A stream id "of" 2^30 bytes in a 20-byte value: must fail on the bounds, not allocate a GiB.
        byte[] hostile = java.util.Arrays.copyOf(header, 20);
        hostile[10] = (byte) 0x80; hostile[11] = (byte) 0x80; hostile[12] = (byte) 0x80; hostile[13] = (byte) 0x80;
        hostile[14] = (byte) 0x08;
        assertThatThrownBy(() -> codec.decode(hostile)).isInstanceOf(IOException.class)
                .isNotInstanceOf(UnknownSchemaException.class);
        byte[] trailing = java.util.Arrays.copyOf(codec.encode(FRAME), codec.encode(FRAME).length + 1);
        assertThatThrownBy(() -> codec.decode(trailing)).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3})).hasMessageContaining("single-object header");
    }
}
