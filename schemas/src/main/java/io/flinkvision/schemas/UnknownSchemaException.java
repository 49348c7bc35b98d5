package io.flinkvision.schemas;

import java.io.IOException;

/** Single-object encoded bytes whose writer schema fingerprint is not in the schema history. */
public final class UnknownSchemaException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long fingerprint;

    public UnknownSchemaException(String recordName, long fingerprint) {
        super("written with an unknown " + recordName + " schema (fingerprint " + String.format("%016x", fingerprint)
                + "): add it to the job's schema history (schemas/src/main/avro/history or --writer-schemas)");
        this.fingerprint = fingerprint;
    }

    /** The CRC-64-AVRO fingerprint the bytes name (Avro's parsing fingerprint). */
    public long fingerprint() {
        return fingerprint;
    }
}
