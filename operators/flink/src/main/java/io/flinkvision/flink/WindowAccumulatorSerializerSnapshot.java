package io.flinkvision.flink;

import io.flinkvision.core.windows.WindowAccumulator;
import io.flinkvision.core.windows.WindowAccumulatorCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint records of the window state's serializer: the accumulator format the state was
 * written in. On restore, state of the current format is read as it is; state of an older format
 * the codec still reads is migrated (read in its format, written in the current one); anything
 * else, e.g. state of a newer job, is refused.
 */
public final class WindowAccumulatorSerializerSnapshot implements TypeSerializerSnapshot<WindowAccumulator> {
    /** Version of this snapshot's own layout (one int: the format), not of the accumulator format. */
    private static final int SNAPSHOT_VERSION = 1;

    private int format;

    /** For Flink, which creates the snapshot by reflection, then reads it. */
    public WindowAccumulatorSerializerSnapshot() {
        this(WindowAccumulatorCodec.CURRENT_FORMAT);
    }

    WindowAccumulatorSerializerSnapshot(int format) {
        this.format = format;
    }

    @Override
    public int getCurrentVersion() {
        return SNAPSHOT_VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(format);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != SNAPSHOT_VERSION) {
            throw new IOException("window accumulator serializer snapshot version " + readVersion
                    + " is unknown; this job reads version " + SNAPSHOT_VERSION);
        }
        int read = in.readInt();
        if (!WindowAccumulatorCodec.canRead(read)) {
            throw new IOException("the window state was written in accumulator format " + read
                    + ", which this job cannot read (it writes format " + WindowAccumulatorCodec.CURRENT_FORMAT
                    + "); restore it with a job at least as new as the one that wrote it");
        }
        format = read;
    }

    @Override
    public TypeSerializer<WindowAccumulator> restoreSerializer() {
        return new WindowAccumulatorSerializer(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<WindowAccumulator> resolveSchemaCompatibility(
            TypeSerializerSnapshot<WindowAccumulator> oldSnapshot) {
        if (!(oldSnapshot instanceof WindowAccumulatorSerializerSnapshot old)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        if (old.format == format) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return WindowAccumulatorCodec.canRead(old.format)
                ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
