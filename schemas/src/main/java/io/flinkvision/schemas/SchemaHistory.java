package io.flinkvision.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;

/**
 * The writer schemas a reader accepts, by fingerprint (CRC-64-AVRO of the parsing canonical form,
 * what Avro's single-object encoding puts in every message): every version ever published of the
 * wire types, kept in {@code schemas/src/main/avro/history} (on the classpath as
 * {@code io/flinkvision/schemas/history/}, listed in its {@code INDEX}), plus the current generated
 * ones, plus any given at run time. Each must be readable by the current schema of its record
 * (Avro schema resolution): an incompatible one is refused when the history is built, not when a
 * frame written with it arrives. Immutable.
 */
public final class SchemaHistory {
    private static final String RESOURCE_DIRECTORY = "/io/flinkvision/schemas/history/";
    private static final SchemaHistory BUILT_IN = load();

    private final Map<Long, Schema> byFingerprint;

    private SchemaHistory(Map<Long, Schema> byFingerprint) {
        this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
    }

    /** The history shipped in this jar, with the current schemas of the wire types. */
    public static SchemaHistory builtIn() {
        return BUILT_IN;
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The writer schema with this fingerprint, or null. */
    public Schema find(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** Every known writer schema of the record named {@code fullName}. */
    public List<Schema> versionsOf(String fullName) {
        return byFingerprint.values().stream().filter(s -> s.getFullName().equals(fullName)).toList();
    }

    /**
     * This history and {@code writers} (e.g. a newer Frame schema that producers will start to use
     * before the job is rebuilt with it).
     *
     * @throws IllegalArgumentException if one cannot be read by the current schema of its record, or
     *     names no wire type
     */
    public SchemaHistory with(Collection<Schema> writers) {
        Map<Long, Schema> all = new HashMap<>(byFingerprint);
        for (Schema writer : writers) {
            all.put(fingerprint(checked(writer)), writer);
        }
        return new SchemaHistory(all);
    }

    /** The wire types: the records written to and read from Kafka. */
    static List<Schema> currentWireSchemas() {
        return List.of(Frame.getClassSchema(), LabelledFrame.getClassSchema(), WindowSummary.getClassSchema(),
                DeadLetter.getClassSchema());
    }

    private static Schema checked(Schema writer) {
        Schema reader = currentWireSchemas().stream().filter(s -> s.getFullName().equals(writer.getFullName()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("writer schema " + writer.getFullName()
                        + " is none of the wire types " + currentWireSchemas().stream().map(Schema::getFullName).toList()));
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalArgumentException("writer schema " + writer.getFullName() + " (fingerprint "
                    + String.format("%016x", fingerprint(writer)) + ") cannot be read by the current one: "
                    + result.getDescription());
        }
        return writer;
    }

    private static SchemaHistory load() {
        Map<Long, Schema> all = new HashMap<>();
        for (Schema current : currentWireSchemas()) {
            all.put(fingerprint(current), current);
        }
        List<Schema> history = new ArrayList<>();
        for (String file : resource("INDEX").lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList()) {
            history.add(new Schema.Parser().parse(resource(file)));
        }
        return new SchemaHistory(all).with(history);
    }

    private static String resource(String name) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(RESOURCE_DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("schema history file " + RESOURCE_DIRECTORY + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
