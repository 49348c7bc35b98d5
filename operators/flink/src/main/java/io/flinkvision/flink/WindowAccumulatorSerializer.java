package io.flinkvision.flink;

import io.flinkvision.core.windows.WindowAccumulator;
import io.flinkvision.core.windows.WindowAccumulatorCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes window state in {@link WindowAccumulatorCodec}'s format, whose version the
 * {@link WindowAccumulatorSerializerSnapshot} records in every checkpoint, so that a later job can
 * still read the state of an earlier one. A serializer restored for an older format only reads.
 *
 * <p>Keeps the codec's scratch buffers, so it is not thread-safe: Flink gives each thread a
 * {@link #duplicate()}.
 */
public final class WindowAccumulatorSerializer extends TypeSerializer<WindowAccumulator> {
    private static final long serialVersionUID = 1L;

    private final int format;
    private transient WindowAccumulatorCodec codec;

    /** Reads and writes the current format. */
    public WindowAccumulatorSerializer() {
        this(WindowAccumulatorCodec.CURRENT_FORMAT);
    }

    /** Reads {@code format} (state restored from a checkpoint written in it). */
    WindowAccumulatorSerializer(int format) {
        if (!WindowAccumulatorCodec.canRead(format)) {
            throw new IllegalArgumentException("window accumulator format " + format + " cannot be read");
        }
        this.format = format;
    }

    int format() {
        return format;
    }

    private WindowAccumulatorCodec codec() {
        if (codec == null) {
            codec = new WindowAccumulatorCodec();
        }
        return codec;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowAccumulator> duplicate() {
        return new WindowAccumulatorSerializer(format);
    }

    @Override
    public WindowAccumulator createInstance() {
        return new WindowAccumulator();
    }

    @Override
    public WindowAccumulator copy(WindowAccumulator from) {
        return from.copy();
    }

    @Override
    public WindowAccumulator copy(WindowAccumulator from, WindowAccumulator reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(WindowAccumulator accumulator, DataOutputView target) throws IOException {
        if (format != WindowAccumulatorCodec.CURRENT_FORMAT) {
            throw new IllegalStateException("this serializer reads the old window accumulator format " + format
                    + "; state is written in format " + WindowAccumulatorCodec.CURRENT_FORMAT);
        }
        codec().write(accumulator, target);
    }

    @Override
    public WindowAccumulator deserialize(DataInputView source) throws IOException {
        return codec().read(source, format);
    }

    @Override
    public WindowAccumulator deserialize(WindowAccumulator reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAccumulatorSerializer other && other.format == format;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(format);
    }

    @Override
    public TypeSerializerSnapshot<WindowAccumulator> snapshotConfiguration() {
        return new WindowAccumulatorSerializerSnapshot(format);
    }
}
