package io.flinkvision.core.testing;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A minimal protobuf message writer, enough to hand-write small ONNX files in tests. */
final class Protobuf {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Protobuf string(int field, String value) {
        return write(() -> out.writeString(field, value));
    }

    Protobuf int64(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    Protobuf bytes(int field, byte[] value) {
        return write(() -> out.writeByteArray(field, value));
    }

    Protobuf message(int field, Protobuf value) {
        return write(() -> out.writeByteArray(field, value.toByteArray()));
    }

    byte[] toByteArray() {
        write(out::flush);
        return bytes.toByteArray();
    }

    private interface Write {
        void run() throws IOException;
    }

    private Protobuf write(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
