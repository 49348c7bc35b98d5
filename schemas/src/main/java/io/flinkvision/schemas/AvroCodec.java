package io.flinkvision.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record type as written to and read from Kafka record values: Avro <a
 * href="https://avro.apache.org/docs/1.12.0/specification/#single-object-encoding">single-object
 * encoding</a> — {@code C3 01}, the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint,
 * then the Avro binary record. The fingerprint says which schema wrote the bytes, so a reader
 * resolves records written with any schema in its {@link SchemaHistory} (an added optional field
 * is read, the field skipped). Written by Avro's {@link BinaryMessageEncoder}. Thread-safe.
 *
 * <p>{@link #decode} is strict and bounded: bytes without the header are not a record; an unknown
 * fingerprint is an {@link UnknownSchemaException}; trailing bytes after a complete record are an
 * error; and before anything is allocated the record is walked once against its writer schema,
 * so a garbage length (a string or bytes field "of 2 GB" in a 100-byte value) ends in an error at
 * the end of the input instead of an allocation.
 */
public final class AvroCodec<T extends SpecificRecord> {
    /** The single-object encoding's marker, then 8 bytes of fingerprint. */
    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final Schema schema;
    private final SchemaHistory history;
    private final BinaryMessageEncoder<T> encoder;
    private final ThreadLocal<Map<Long, DatumReader<T>>> readers = ThreadLocal.withInitial(HashMap::new);

    private AvroCodec(Class<T> type, Schema schema, SchemaHistory history) {
        this.type = type;
        this.schema = schema;
        this.history = history;
        this.encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(type), schema);
    }

    /** The codec of a generated record class, reading every writer schema of {@link SchemaHistory#builtIn()}. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return of(type, SchemaHistory.builtIn());
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, SchemaHistory history) {
        try {
            Schema schema = (Schema) type.getField("SCHEMA$").get(null);
            return new AvroCodec<>(type, schema, history);
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
        try {
            ByteBuffer encoded = encoder.encode(record);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot encode " + schema.getFullName(), e);
        }
    }

    /**
     * @throws UnknownSchemaException if the bytes name a writer schema not in the history
     * @throws IOException if the bytes are not exactly one single-object encoded record of this type
     *     (no header, truncated, garbage, trailing bytes)
     */
    public T decode(byte[] bytes) throws IOException {
        if (bytes == null || bytes.length == 0) {
            throw new IOException("no bytes: an empty value is not a " + schema.getName());
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new IOException("not a valid " + schema.getName() + ": no Avro single-object header (C3 01)");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = history.find(fingerprint);
        if (writer == null || !writer.getFullName().equals(schema.getFullName())) {
            throw new UnknownSchemaException(schema.getName(), fingerprint);
        }
        try {
            // Bounds first: skipping allocates nothing and fails at the end of the input on any length
            // that does not fit in it.
            BinaryDecoder walk = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
            GenericDatumReader.skip(writer, walk);
            if (!walk.isEnd()) {
                throw new IOException("not a valid " + schema.getName() + ": trailing bytes after the record");
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
            return readers.get().computeIfAbsent(fingerprint, f -> new SpecificDatumReader<>(writer, schema))
                    .read(null, decoder);
        } catch (IOException e) {
            throw e instanceof UnknownSchemaException ? e
                    : new IOException("not a valid " + schema.getName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Garbage can make Avro throw unchecked exceptions (negative lengths, bad enum or union index...).
            throw new IOException("not a valid " + schema.getName() + ": " + e, e);
        }
    }
}
