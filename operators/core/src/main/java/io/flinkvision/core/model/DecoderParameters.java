package io.flinkvision.core.model;

import java.io.Serializable;
import java.util.Arrays;

/** What a detection decoder needs besides the tensors; one record per {@link DecoderKind}. */
public sealed interface DecoderParameters extends Serializable {

    /**
     * YOLOX's grid: one cell per {@code stride x stride} input pixels at each stride, strides in output
     * order, cells row-major (y, then x) within a stride.
     */
    record YoloxGrid(int[] strides) implements DecoderParameters {
        public static final int[] DEFAULT_STRIDES = {8, 16, 32};

        public YoloxGrid {
            if (strides == null || strides.length == 0) {
                throw new IllegalArgumentException("YOLOX needs at least one stride (--strides, e.g. 8,16,32)");
            }
            for (int s : strides) {
                if (s <= 0) {
                    throw new IllegalArgumentException("YOLOX strides must be positive, got " + Arrays.toString(strides)
                            + " (--strides)");
                }
            }
            strides = strides.clone();
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        /** Cells for an input of {@code width x height}; each stride must divide both. */
        public int cells(int width, int height) {
            int cells = 0;
            for (int s : strides) {
                cells += (height / s) * (width / s);
            }
            return cells;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof YoloxGrid g && Arrays.equals(strides, g.strides);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(strides);
        }

        @Override
        public String toString() {
            return "YoloxGrid" + Arrays.toString(strides);
        }
    }

    /**
     * EfficientDet's anchors, as its reference builds them: levels {@code minLevel..maxLevel} (stride
     * {@code 2^level}), at each location {@code scalesPerOctave} sizes {@code anchorScale * stride *
     * 2^(o / scalesPerOctave)}, each in every aspect ratio (a (width, height) multiplier pair).
     */
    record AnchorGrid(int minLevel, int maxLevel, int scalesPerOctave, double[][] aspectRatios, double anchorScale)
            implements DecoderParameters {
        public static final double[][] DEFAULT_ASPECT_RATIOS = {{1.0, 1.0}, {1.4, 0.7}, {0.7, 1.4}};

        public AnchorGrid {
            if (minLevel < 1 || maxLevel < minLevel || maxLevel > 10) {
                throw new IllegalArgumentException("anchor levels must satisfy 1 <= min <= max <= 10, got "
                        + minLevel + ".." + maxLevel + " (flinkvision.min_level / max_level in the model metadata)");
            }
            if (scalesPerOctave < 1 || aspectRatios == null || aspectRatios.length == 0 || !(anchorScale > 0)) {
                throw new IllegalArgumentException("anchors need >= 1 scale per octave, >= 1 aspect ratio and a"
                        + " positive anchor scale, got " + scalesPerOctave + ", " + Arrays.deepToString(aspectRatios)
                        + ", " + anchorScale);
            }
            double[][] copy = new double[aspectRatios.length][];
            for (int i = 0; i < aspectRatios.length; i++) {
                double[] r = aspectRatios[i];
                if (r == null || r.length != 2 || !(r[0] > 0) || !(r[1] > 0)) {
                    throw new IllegalArgumentException("each aspect ratio is a positive (width, height) pair, got "
                            + Arrays.deepToString(aspectRatios));
                }
                copy[i] = r.clone();
            }
            aspectRatios = copy;
        }

        public static AnchorGrid efficientDetDefaults() {
            return new AnchorGrid(3, 7, 3, DEFAULT_ASPECT_RATIOS, 4.0);
        }

        @Override
        public double[][] aspectRatios() {
            double[][] copy = new double[aspectRatios.length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = aspectRatios[i].clone();
            }
            return copy;
        }

        public int anchorsPerLocation() {
            return scalesPerOctave * aspectRatios.length;
        }

        /** Anchors for an input of {@code width x height}; {@code 2^maxLevel} must divide both. */
        public int anchors(int width, int height) {
            int total = 0;
            for (int level = minLevel; level <= maxLevel; level++) {
                int stride = 1 << level;
                total += (height / stride) * (width / stride) * anchorsPerLocation();
            }
            return total;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AnchorGrid g && minLevel == g.minLevel && maxLevel == g.maxLevel
                    && scalesPerOctave == g.scalesPerOctave && Arrays.deepEquals(aspectRatios, g.aspectRatios)
                    && anchorScale == g.anchorScale;
        }

        @Override
        public int hashCode() {
            return ((minLevel * 31 + maxLevel) * 31 + scalesPerOctave) * 31 + Arrays.deepHashCode(aspectRatios)
                    + Double.hashCode(anchorScale);
        }

        @Override
        public String toString() {
            return "AnchorGrid{P" + minLevel + "-P" + maxLevel + " scales=" + scalesPerOctave + " ratios="
                    + Arrays.deepToString(aspectRatios) + " anchorScale=" + anchorScale + "}";
        }
    }

    /**
     * Where a model that already outputs boxes puts them.
     *
     * @param boxes output with {@code [N, K, 4]} boxes, or {@code [N, K, 6]} box + score + class when
     *     {@code scores} is null
     * @param scores {@code [N, K]} scores, or null for the combined form
     * @param classes {@code [N, K]} class indices (any numeric type), or null: every box is class 0
     * @param count {@code [N]} or {@code [N, 1]} number of valid rows, or null: all K rows (a row with
     *     score 0 or below the threshold is dropped either way)
     * @param normalized box values in [0, 1] of the input size rather than input pixels
     */
    record BoxOutputs(String boxes, String scores, String classes, String count, BoxFormat format,
            boolean normalized) implements DecoderParameters {
        public BoxOutputs {
            if (boxes == null || format == null) {
                throw new IllegalArgumentException("a boxes decoder needs the boxes output and its box format");
            }
        }

        public boolean combined() {
            return scores == null;
        }
    }
}
