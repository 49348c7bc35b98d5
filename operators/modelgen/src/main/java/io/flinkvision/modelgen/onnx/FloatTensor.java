package io.flinkvision.modelgen.onnx;

import java.util.Arrays;

/** A dense float32 tensor in row-major order: its dimensions and its values (the array is shared, not copied). */
public record FloatTensor(long[] dims, float[] data) {

    public FloatTensor {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(dims) + " needs " + n + " values, got " + data.length);
        }
    }

    public static FloatTensor of(float[] data, long... dims) {
        return new FloatTensor(dims.clone(), data);
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(dims, expected);
    }

    public String shapeString() {
        return Arrays.toString(dims);
    }
}
