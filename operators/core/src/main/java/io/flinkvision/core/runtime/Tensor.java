package io.flinkvision.core.runtime;

import java.util.Arrays;

/**
 * A tensor in Java memory: element type, shape and values, row-major. Runner inputs and outputs are
 * these, one sample's worth or a batch's, so that a model can take and return several named tensors
 * of different types (uint8 images without a float round trip, int64 class ids next to float boxes).
 *
 * <p>The value array is handed over, not copied, in both directions: tensors carry a frame's pixels
 * and a detector's outputs, megabytes per frame. Treat a tensor as immutable once made.
 */
public final class Tensor {
    /** The element types the project reads and writes. */
    public enum ElementType {
        FLOAT32,
        UINT8,
        INT32,
        INT64
    }

    private final ElementType type;
    private final long[] shape;
    private final Object values;
    private final int size;

    private Tensor(ElementType type, long[] shape, Object values, int length) {
        long expected = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor dimensions must be >= 0, got " + Arrays.toString(shape));
            }
            expected *= d;
        }
        if (expected != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + expected
                    + " values, got " + length);
        }
        this.type = type;
        this.shape = shape.clone();
        this.values = values;
        this.size = length;
    }

    public static Tensor ofFloats(long[] shape, float[] values) {
        return new Tensor(ElementType.FLOAT32, shape, values, values.length);
    }

    /** Unsigned bytes (0..255 as Java bytes). */
    public static Tensor ofUint8(long[] shape, byte[] values) {
        return new Tensor(ElementType.UINT8, shape, values, values.length);
    }

    public static Tensor ofInts(long[] shape, int[] values) {
        return new Tensor(ElementType.INT32, shape, values, values.length);
    }

    public static Tensor ofLongs(long[] shape, long[] values) {
        return new Tensor(ElementType.INT64, shape, values, values.length);
    }

    public ElementType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int index) {
        return shape[index];
    }

    /** Number of values. */
    public int size() {
        return size;
    }

    /** The float32 values themselves (not a copy). */
    public float[] floats() {
        return as(ElementType.FLOAT32, float[].class);
    }

    /** The uint8 values themselves (not a copy), as signed Java bytes: mask with 0xFF. */
    public byte[] uint8() {
        return as(ElementType.UINT8, byte[].class);
    }

    public int[] ints() {
        return as(ElementType.INT32, int[].class);
    }

    public long[] longs() {
        return as(ElementType.INT64, long[].class);
    }

    /** Value {@code index} of any type as a double: for small tensors such as class ids or counts. */
    public double value(int index) {
        return switch (type) {
            case FLOAT32 -> ((float[]) values)[index];
            case UINT8 -> ((byte[]) values)[index] & 0xFF;
            case INT32 -> ((int[]) values)[index];
            case INT64 -> ((long[]) values)[index];
        };
    }

    private <T> T as(ElementType wanted, Class<T> arrayType) {
        if (type != wanted) {
            throw new IllegalStateException("tensor is " + type + " " + Arrays.toString(shape) + ", not " + wanted);
        }
        return arrayType.cast(values);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
