package io.flinkvision.core.runtime;

import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one batch through a model, in typed tensors: each sample is a map of named input tensors,
 * each result a map of named output tensors ({@code spec().outputNames()}), all without the batch
 * dimension. Implementations are thread-safe ({@code run} may be called concurrently) and
 * {@link #close()} waits for runs in flight: closing a native session while it runs crashes the JVM.
 */
public interface ModelRunner extends AutoCloseable {

    /**
     * @param samples per sample, its input tensors by name; every sample has the same names, element
     *     types and shapes
     * @return per sample, in the same order, its outputs by name
     * @throws InferenceException if the runtime fails; the whole batch failed
     * @throws IllegalArgumentException when the samples do not agree with each other
     */
    List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) throws InferenceException;

    /**
     * Float rows in, float rows out, for a model with one image input and a float output
     * {@code spec().outputName()} (tools and tests). Each row is one sample of
     * {@code spec().preprocess().sampleLength()} values; for a uint8 input they are rounded and
     * clamped to 0..255.
     */
    default float[][] run(float[][] rows) throws InferenceException {
        ModelSpec spec = spec();
        long[] shape = spec.preprocess().sampleShape();
        int length = spec.preprocess().sampleLength();
        boolean uint8 = spec.preprocess().elementType() == InputElementType.UINT8;
        List<Map<String, Tensor>> samples = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            if (row == null || row.length != length) {
                throw new IllegalArgumentException("sample " + i + " has " + (row == null ? "no" : row.length)
                        + " values; model " + spec.name() + " needs " + length);
            }
            samples.add(Map.of(spec.inputName(), uint8 ? Tensor.ofUint8(shape, pixels(row)) : Tensor.ofFloats(shape, row)));
        }
        List<Map<String, Tensor>> outputs = run(samples);
        float[][] out = new float[outputs.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = outputs.get(i).get(spec.outputName()).floats();
        }
        return out;
    }

    ModelSpec spec();

    /** Where it runs, asked for and got, for logs and metrics. */
    DevicePlacement placement();

    @Override
    void close();

    /** Rounds to the nearest pixel value and clamps to 0..255 (NaN becomes 0). */
    private static byte toPixel(float v) {
        float clamped = v > 255f ? 255f : (v > 0f ? v : 0f);
        return (byte) Math.round(clamped);
    }

    private static byte[] pixels(float[] row) {
        byte[] out = new byte[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = toPixel(row[i]);
        }
        return out;
    }
}
