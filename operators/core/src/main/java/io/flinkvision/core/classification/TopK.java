package io.flinkvision.core.classification;

/** Indices of the k largest values, without sorting the whole row. */
final class TopK {
    private TopK() {}

    /**
     * Insertion into a k-long sorted list: O(n*k), which for k of about 5 beats sorting 1000 boxed
     * indices. Scanning in index order and moving an entry only past strictly smaller scores keeps
     * the lower index first among equal scores.
     */
    static int[] indices(double[] values, int k) {
        int[] top = new int[k];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (size == k && !(v > values[top[k - 1]])) {
                continue;
            }
            int pos = size < k ? size++ : k - 1;
            while (pos > 0 && v > values[top[pos - 1]]) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = i;
        }
        return top;
    }
}
