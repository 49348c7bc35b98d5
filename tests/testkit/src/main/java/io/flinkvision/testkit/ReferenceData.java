package io.flinkvision.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the shared reference tensors (raw little-endian float32, C order). */
public final class ReferenceData {
    private ReferenceData() {}

    /** A file under the shared models folder; see {@link SharedFixtures} for what happens when it is missing. */
    public static Path requireShared(String relative) {
        return SharedFixtures.model(relative);
    }

    /** {@code rows} rows of equal length. */
    public static float[][] readRows(Path file, int rows) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int total = bytes.remaining() / Float.BYTES;
        if (total % rows != 0) {
            throw new IllegalArgumentException(file + " has " + total + " floats, not divisible into " + rows + " rows");
        }
        float[][] out = new float[rows][total / rows];
        for (float[] row : out) {
            bytes.asFloatBuffer().get(row);
            bytes.position(bytes.position() + row.length * Float.BYTES);
        }
        return out;
    }
}
