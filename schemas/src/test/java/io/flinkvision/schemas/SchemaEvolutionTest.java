package io.flinkvision.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** Adding an optional field to a published schema keeps old readers and old writers working. */
class SchemaEvolutionTest {

    /** The published schema plus one optional field, as a later release might add it. */
    private static Schema withOptionalField(Schema published, String fieldName) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : published.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        Schema optionalString =
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        fields.add(new Schema.Field(fieldName, optionalString, "added later", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(
                published.getName(), published.getDoc(), published.getNamespace(), false, fields);
    }

    @Test
    void everyPublishedSchemaStaysCompatibleWhenAnOptionalFieldIsAdded() {
        for (Schema published :
                List.of(Frame.getClassSchema(), LabelledFrame.getClassSchema(),
                        WindowSummary.getClassSchema(), DeadLetter.getClassSchema())) {
            Schema next = withOptionalField(published, "cameraZone");
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(next, published).getType())
                    .as("new reader reads old %s", published.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(published, next).getType())
                    .as("old reader reads new %s", published.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void aRequiredFieldWithoutDefaultIsCaughtAsIncompatible() {
        // Guards the check above: it must be able to fail.
        Schema published = Frame.getClassSchema();
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : published.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("mandatory", Schema.create(Schema.Type.STRING), null, (Object) null));
        Schema next = Schema.createRecord(published.getName(), null, published.getNamespace(), false, fields);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(next, published).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void anOldReaderDecodesBytesWrittenWithTheNewSchema() throws IOException {
        Frame frame = Frame.newBuilder()
                .setStreamId("cam-1").setSequence(7).setCaptureTime(Instant.ofEpochMilli(1_000))
                .setEncoding(FrameEncoding.JPEG).setWidth(2).setHeight(1)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).setAttributes(Map.of("k", "v"))
                .build();
        Schema next = withOptionalField(Frame.getClassSchema(), "cameraZone");

        // Write with the new schema through the generic API, reading the old record's fields.
        GenericRecord newer = new GenericData.Record(next);
        for (Schema.Field f : Frame.getClassSchema().getFields()) {
            Object v = frame.get(f.pos());
            newer.put(f.name(), v instanceof Instant i ? i.toEpochMilli() : v);
        }
        newer.put("cameraZone", "north");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(next).write(newer, enc);
        enc.flush();

        SpecificDatumReader<Frame> oldReader = new SpecificDatumReader<>(next, Frame.getClassSchema());
        Frame read = oldReader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(read.getStreamId()).isEqualTo("cam-1");
        assertThat(read.getSequence()).isEqualTo(7);
        assertThat(read.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1_000));

        // And the new reader reads old bytes, filling the default.
        ByteArrayOutputStream oldOut = new ByteArrayOutputStream();
        BinaryEncoder oldEnc = EncoderFactory.get().binaryEncoder(oldOut, null);
        new SpecificDatumWriter<>(Frame.class).write(frame, oldEnc);
        oldEnc.flush();
        GenericRecord upgraded = new GenericDatumReader<GenericRecord>(Frame.getClassSchema(), next)
                .read(null, DecoderFactory.get().binaryDecoder(oldOut.toByteArray(), null));
        assertThat(upgraded.get("cameraZone")).isNull();
        assertThat(upgraded.get("streamId").toString()).isEqualTo("cam-1");
    }
}
