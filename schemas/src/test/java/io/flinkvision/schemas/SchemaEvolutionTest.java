package io.flinkvision.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    // ---- The detection additions: Detection.secondaryTopK and WindowSummary.objects (both default []).

    /** {@code current} as it was published before detection: without the named fields, anywhere in it. */
    private static Schema without(Schema current, Set<String> dropped) {
        return rebuilt(current, dropped, new java.util.HashMap<>());
    }

    private static Schema rebuilt(Schema schema, Set<String> dropped, Map<String, Schema> done) {
        switch (schema.getType()) {
            case RECORD -> {
                Schema seen = done.get(schema.getFullName());
                if (seen != null) {
                    return seen; // a named type is defined once and referenced after
                }
                Schema copy = Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false);
                done.put(schema.getFullName(), copy);
                List<Schema.Field> fields = new java.util.ArrayList<>();
                for (Schema.Field f : schema.getFields()) {
                    if (!dropped.contains(f.name())) {
                        fields.add(new Schema.Field(f, rebuilt(f.schema(), dropped, done)));
                    }
                }
                copy.setFields(fields);
                return copy;
            }
            case ARRAY -> {
                return Schema.createArray(rebuilt(schema.getElementType(), dropped, done));
            }
            case UNION -> {
                return Schema.createUnion(schema.getTypes().stream().map(t -> rebuilt(t, dropped, done)).toList());
            }
            default -> {
                return schema;
            }
        }
    }

    private static final Set<String> DETECTION_ADDITIONS = Set.of("secondaryTopK", "objects");

    @Test
    void theDetectionAdditionsKeepOldReadersAndOldWritersWorking() throws IOException {
        for (Schema current : List.of(LabelledFrame.getClassSchema(), WindowSummary.getClassSchema())) {
            Schema published = without(current, DETECTION_ADDITIONS);
            assertThat(published.toString()).as("the fields were dropped").doesNotContain("secondaryTopK")
                    .doesNotContain("\"objects\"");
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, published).getType())
                    .as("new reader reads old %s", current.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(published, current).getType())
                    .as("old reader reads new %s", current.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void aLabelledFrameWrittenBeforeDetectionReadsWithNoSecondaryLabels() throws IOException {
        Schema published = without(LabelledFrame.getClassSchema(), DETECTION_ADDITIONS);
        Schema oldDetection = published.getField("detections").schema().getElementType();
        GenericRecord box = new GenericData.Record(oldDetection);
        box.put("classIndex", 0);
        box.put("label", "person");
        box.put("score", 0.9f);
        box.put("xMin", 1f);
        box.put("yMin", 2f);
        box.put("xMax", 3f);
        box.put("yMax", 4f);
        GenericRecord old = new GenericData.Record(published);
        old.put("streamId", "cam-1");
        old.put("sequence", 3L);
        old.put("captureTime", 1_000L);
        old.put("sourcePartition", 0);
        old.put("sourceOffset", 5L);
        old.put("width", 8);
        old.put("height", 6);
        GenericRecord model = new GenericData.Record(published.getField("model").schema());
        model.put("name", "m");
        model.put("sha256", "00");
        old.put("model", model);
        old.put("topK", List.of());
        old.put("detections", List.of(box));
        GenericRecord timings = new GenericData.Record(published.getField("timings").schema());
        for (Schema.Field f : timings.getSchema().getFields()) {
            timings.put(f.name(), f.schema().getType() == Schema.Type.INT ? (Object) 1 : (Object) 1L);
        }
        old.put("timings", timings);
        old.put("labelledTime", 2_000L);

        LabelledFrame read = new SpecificDatumReader<LabelledFrame>(published, LabelledFrame.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(writeGeneric(published, old), null));
        assertThat(read.getDetections()).hasSize(1);
        assertThat(read.getDetections().get(0).getLabel()).isEqualTo("person");
        assertThat(read.getDetections().get(0).getSecondaryTopK()).isEmpty();
    }

    @Test
    void aWindowSummaryWrittenBeforeDetectionReadsWithNoObjectCounts() throws IOException {
        Schema published = without(WindowSummary.getClassSchema(), DETECTION_ADDITIONS);
        GenericRecord old = new GenericData.Record(published);
        old.put("streamId", "cam-1");
        old.put("windowStart", 0L);
        old.put("windowEnd", 1_000L);
        old.put("framesIn", 2L);
        old.put("framesLabelled", 2L);
        old.put("framesDeadLettered", 0L);
        old.put("labels", List.of());
        old.put("dominantLabel", null);
        old.put("latencyP50Millis", 5L);
        old.put("latencyP95Millis", 7L);
        WindowSummary read = new SpecificDatumReader<WindowSummary>(published, WindowSummary.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(writeGeneric(published, old), null));
        assertThat(read.getFramesLabelled()).isEqualTo(2L);
        assertThat(read.getObjects()).isEmpty();

        // And an old reader reads a new summary that has object counts, skipping them.
        WindowSummary current = WindowSummary.newBuilder(read)
                .setObjects(List.of(new ObjectCount("person", 3L, 2L, 2, 1.5))).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(WindowSummary.class).write(current, enc);
        enc.flush();
        GenericRecord seenByOld = new GenericDatumReader<GenericRecord>(WindowSummary.getClassSchema(), published)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(seenByOld.get("latencyP95Millis")).isEqualTo(7L);
        assertThat(seenByOld.getSchema().getField("objects")).isNull();
    }

    private static byte[] writeGeneric(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void deadLettersWrittenBeforeTheSizeBudgetAreReadWithItsDefaults() throws IOException {
        // The DeadLetter schema before truncated/originalSize were added: the same fields, less those two.
        Schema current = DeadLetter.getClassSchema();
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("truncated") && !f.name().equals("originalSize")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema before = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, before).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, current).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);

        GenericRecord old = new GenericData.Record(before);
        old.put("sourceTopic", "frames");
        old.put("sourcePartition", 1);
        old.put("sourceOffset", 9L);
        old.put("streamId", "cam-1");
        old.put("sequence", null);
        old.put("eventTime", 1_000L);
        old.put("reason", new GenericData.EnumSymbol(current.getField("reason").schema(), "CORRUPT_IMAGE"));
        old.put("message", "truncated JPEG");
        old.put("originalBytes", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        old.put("failedTime", 2_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(before).write(old, enc);
        enc.flush();

        DeadLetter read = new SpecificDatumReader<DeadLetter>(before, current)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(read.getTruncated()).isFalse();
        assertThat(read.getOriginalSize()).isEqualTo(-1);
        assertThat(read.getReason()).isEqualTo(ReasonCode.CORRUPT_IMAGE);
        assertThat(read.getMessage()).isEqualTo("truncated JPEG");
    }

    @Test
    void aReasonCodeAnOldReaderDoesNotKnowReadsAsUnknown() throws IOException {
        Schema current = ReasonCode.getClassSchema();
        List<String> older = current.getEnumSymbols().subList(0, current.getEnumSymbols().indexOf("INVALID_FRAME"));
        Schema before = Schema.createEnum(current.getName(), null, current.getNamespace(), older, "UNKNOWN");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<ReasonCode>(current).write(ReasonCode.INVALID_FRAME, enc);
        enc.flush();
        Object read = new GenericDatumReader<Object>(current, before)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(read.toString()).isEqualTo("UNKNOWN");
    }
}
