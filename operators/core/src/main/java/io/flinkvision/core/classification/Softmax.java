package io.flinkvision.core.classification;

/** Numerically stable softmax over a slice of a row, in double precision. */
final class Softmax {
    private Softmax() {}

    /**
     * Subtracting the maximum keeps every exponent <= 0, so large logits cannot overflow to
     * infinity and the largest class always contributes exp(0) = 1 to the sum.
     *
     * @throws IllegalArgumentException on a NaN or infinite logit
     */
    static double[] of(float[] row, int from, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float v = row[from + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("model output has " + v + " at index " + (from + i));
            }
            max = Math.max(max, v);
        }
        double[] out = new double[length];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            out[i] = Math.exp(row[from + i] - max);
            sum += out[i];
        }
        for (int i = 0; i < length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
