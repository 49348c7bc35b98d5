package io.flinkvision.modelgen.efficientnet;

import com.google.protobuf.CodedOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message assembled field by field and encoded with {@link CodedOutputStream}, without
 * generated classes. Sizes are computed before writing, so nested messages (and large float tensors)
 * stream straight to the output without an intermediate copy. Mutable until first sized.
 */
public final class ProtoMessage {

    private interface Field {
        int size();

        void write(CodedOutputStream out) throws IOException;
    }

    private final List<Field> fields = new ArrayList<>();
    private int cachedSize = -1;

    /** A varint field (int32, int64 or enum; negative values take ten bytes, as the wire format says). */
    public ProtoMessage varint(int field, long value) {
        return add(new Field() {
            public int size() {
                return CodedOutputStream.computeInt64Size(field, value);
            }

            public void write(CodedOutputStream out) throws IOException {
                out.writeInt64(field, value);
            }
        });
    }

    /** One varint field per value (unpacked: the proto2 default for ONNX's repeated int64 fields). */
    public ProtoMessage varints(int field, long... values) {
        for (long v : values) {
            varint(field, v);
        }
        return this;
    }

    public ProtoMessage float32(int field, float value) {
        return add(new Field() {
            public int size() {
                return CodedOutputStream.computeFloatSize(field, value);
            }

            public void write(CodedOutputStream out) throws IOException {
                out.writeFloat(field, value);
            }
        });
    }

    public ProtoMessage string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoMessage bytes(int field, byte[] value) {
        return add(new Field() {
            public int size() {
                return CodedOutputStream.computeByteArraySize(field, value);
            }

            public void write(CodedOutputStream out) throws IOException {
                out.writeByteArray(field, value);
            }
        });
    }

    /**
     * A length-delimited field holding {@code values} as little-endian IEEE-754 float32, as ONNX's
     * {@code TensorProto.raw_data} requires. The array is referenced, not copied.
     */
    public ProtoMessage littleEndianFloats(int field, float[] values) {
        return add(new Field() {
            public int size() {
                int payload = Math.multiplyExact(values.length, 4);
                return CodedOutputStream.computeTagSize(field)
                        + CodedOutputStream.computeUInt32SizeNoTag(payload) + payload;
            }

            public void write(CodedOutputStream out) throws IOException {
                out.writeTag(field, 2);
                out.writeUInt32NoTag(values.length * 4);
                for (float v : values) {
                    out.writeFixed32NoTag(Float.floatToRawIntBits(v));
                }
            }
        });
    }

    public ProtoMessage message(int field, ProtoMessage value) {
        return add(new Field() {
            public int size() {
                int inner = value.serializedSize();
                return CodedOutputStream.computeTagSize(field)
                        + CodedOutputStream.computeUInt32SizeNoTag(inner) + inner;
            }

            public void write(CodedOutputStream out) throws IOException {
                out.writeTag(field, 2);
                out.writeUInt32NoTag(value.serializedSize());
                value.writeTo(out);
            }
        });
    }

    public int serializedSize() {
        if (cachedSize < 0) {
            long total = 0;
            for (Field f : fields) {
                total += f.size();
            }
            if (total > Integer.MAX_VALUE) {
                throw new IllegalStateException("message exceeds protobuf's 2 GiB limit: " + total + " bytes");
            }
            cachedSize = (int) total;
        }
        return cachedSize;
    }

    public void writeTo(CodedOutputStream out) throws IOException {
        for (Field f : fields) {
            f.write(out);
        }
    }

    /** Writes the message (no length prefix) and flushes the encoder, not the stream. */
    public void writeTo(OutputStream out) throws IOException {
        CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
        writeTo(coded);
        coded.flush();
    }

    public byte[] toByteArray() {
        byte[] result = new byte[serializedSize()];
        CodedOutputStream coded = CodedOutputStream.newInstance(result);
        try {
            writeTo(coded);
        } catch (IOException e) {
            throw new IllegalStateException("encoding into an array cannot fail", e);
        }
        coded.checkNoSpaceLeft();
        return result;
    }

    private ProtoMessage add(Field field) {
        if (cachedSize >= 0) {
            throw new IllegalStateException("message already sized; it can no longer change");
        }
        fields.add(field);
        return this;
    }
}
