package io.flinkvision.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary encoding of one record type, as written to and read from Kafka record values
 * (no schema registry: producers and consumers share these schemas). Thread-safe.
 *
 * <p>{@link #decode} is strict: trailing bytes after a complete record are an error, because bytes
 * that happen to parse as a prefix are not a frame.
 */
public final class AvroCodec<T extends SpecificRecord> {
    private final Class<T> type;
    private final Schema schema;
    private final ThreadLocal<DatumWriter<T>> writers;
    private final ThreadLocal<DatumReader<T>> readers;

    private AvroCodec(Class<T> type, Schema schema) {
        this.type = type;
        this.schema = schema;
        this.writers = ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(schema));
        this.readers = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(schema));
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        try {
            Schema schema = (Schema) type.getField("SCHEMA$").get(null);
            return new AvroCodec<>(type, schema);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro record class", e);
        }
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return schema;
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.get().write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getFullName(), e);
        }
        return out.toByteArray();
    }

    /**
     * @throws IOException if the bytes are not exactly one record of this schema (truncated,
     *     garbage, or with trailing bytes)
     */
    public T decode(byte[] bytes) throws IOException {
        if (bytes == null || bytes.length == 0) {
            throw new IOException("no bytes: an empty value is not a " + schema.getName());
        }
        var decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        T record;
        try {
            record = readers.get().read(null, decoder);
        } catch (RuntimeException e) {
            // Garbage can make Avro throw unchecked exceptions (negative lengths, bad enum index...).
            throw new IOException("not a valid " + schema.getName() + ": " + e, e);
        }
        if (!decoder.isEnd()) {
            throw new IOException("not a valid " + schema.getName() + ": trailing bytes after the record");
        }
        return record;
    }
}
