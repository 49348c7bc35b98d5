package io.flinkvision.core.image;

/**
 * Resizes and crops as OpenCV's {@code cv::resize(src, dst, dsize, 0, 0, INTER_LINEAR)} does for 8-bit
 * images, written from its documented semantics and its reference (scalar) arithmetic:
 *
 * <ul>
 *   <li><b>Sampling</b>: half-pixel centres. Output pixel {@code d} samples source position
 *       {@code f = (float) ((d + 0.5) * scale - 0.5)}, {@code scale = 1 / (dstSize / srcSize)} in
 *       double; {@code s = floor(f)}, weight of the right/lower neighbour {@code f - s} (float).</li>
 *   <li><b>No antialiasing</b>: always the two nearest source pixels per axis, whatever the
 *       downscale factor (unlike {@link PilBilinearResizer}, whose filter widens).</li>
 *   <li><b>Borders</b>: horizontally, {@code s < 0} becomes {@code s = 0} and {@code s >= w - 1}
 *       becomes {@code s = w - 1}, each with weight 0 for the neighbour; vertically the weights are
 *       kept and the two rows are clamped to {@code [0, h - 1]}.</li>
 *   <li><b>Fixed point</b>: weights {@code round(w * 2048)} (11 bits, round half to even, as
 *       {@code saturate_cast<short>}); the horizontal pass keeps {@code pixel * weight} sums exactly,
 *       the vertical one rounds {@code (sum0 * b0 + sum1 * b1 + 2^21) >> 22} and saturates to 0..255.</li>
 * </ul>
 *
 * <p>OpenCV's SIMD kernels for the vertical pass round in two steps (high half of a 16-bit product,
 * then {@code >> 2}), so an optimised OpenCV build may differ from this reference arithmetic by one
 * level on some pixels; the reference is what this class reproduces, because it is the one defined
 * independently of the CPU. An exact 2x downscale, which OpenCV routes to {@code INTER_AREA}, gives the
 * same pixels ({@code (a + b + c + d + 2) >> 2}) either way.
 */
final class OpenCvLinearResizer {
    static final int COEFFICIENT_BITS = 11;
    static final int ONE = 1 << COEFFICIENT_BITS;
    private static final int SHIFT = 2 * COEFFICIENT_BITS;
    private static final int HALF = 1 << (SHIFT - 1);

    private OpenCvLinearResizer() {}

    /** Hands the crop window's rows, top to bottom, to {@code sink}. */
    static void resizeAndCrop(RgbImage source, ResizeGeometry g, RowSink sink) {
        Axis horizontal = Axis.horizontal(source.width(), g.resizedWidth(), g.cropX(), g.cropWidth());
        Axis vertical = Axis.vertical(source.height(), g.resizedHeight(), g.cropY(), g.cropHeight());
        byte[] src = source.pixels();
        int stride = source.width() * 3;
        int length = g.cropWidth() * 3;
        // The two source rows last resized horizontally: consecutive output rows mostly share them.
        int[] rowA = new int[length];
        int[] rowB = new int[length];
        int rowAIndex = -1;
        int rowBIndex = -1;
        int[] out = new int[length];
        for (int y = 0; y < g.cropHeight(); y++) {
            int top = vertical.first[y];
            int bottom = vertical.second[y];
            if (top != rowAIndex) {
                if (top == rowBIndex) { // move down one: reuse the lower row as the upper one
                    int[] t = rowA;
                    rowA = rowB;
                    rowB = t;
                    rowAIndex = rowBIndex;
                    rowBIndex = -1;
                } else {
                    horizontalPass(src, top * stride, horizontal, rowA);
                    rowAIndex = top;
                }
            }
            if (bottom != rowBIndex && bottom != top) {
                horizontalPass(src, bottom * stride, horizontal, rowB);
                rowBIndex = bottom;
            }
            int[] lower = bottom == top ? rowA : rowB;
            int b0 = vertical.weight0[y];
            int b1 = vertical.weight1[y];
            for (int i = 0; i < length; i++) {
                int v = (rowA[i] * b0 + lower[i] * b1 + HALF) >> SHIFT;
                out[i] = v < 0 ? 0 : Math.min(v, 255);
            }
            sink.row(y, out);
        }
    }

    /** One source row resized to the crop's columns; values are pixel * 2048, unrounded. */
    private static void horizontalPass(byte[] src, int rowBase, Axis axis, int[] out) {
        for (int x = 0, o = 0; x < axis.first.length; x++, o += 3) {
            int p = rowBase + axis.first[x] * 3;
            int q = rowBase + axis.second[x] * 3;
            int a0 = axis.weight0[x];
            int a1 = axis.weight1[x];
            out[o] = (src[p] & 0xFF) * a0 + (src[q] & 0xFF) * a1;
            out[o + 1] = (src[p + 1] & 0xFF) * a0 + (src[q + 1] & 0xFF) * a1;
            out[o + 2] = (src[p + 2] & 0xFF) * a0 + (src[q + 2] & 0xFF) * a1;
        }
    }

    /** Per output position of one axis (crop window only): the two source indices and their weights. */
    static final class Axis {
        final int[] first;
        final int[] second;
        final int[] weight0;
        final int[] weight1;

        private Axis(int n) {
            first = new int[n];
            second = new int[n];
            weight0 = new int[n];
            weight1 = new int[n];
        }

        static Axis horizontal(int inSize, int outSize, int from, int count) {
            double scale = scale(inSize, outSize);
            Axis a = new Axis(count);
            for (int i = 0; i < count; i++) {
                int d = from + i;
                float f = (float) ((d + 0.5) * scale - 0.5);
                int s = (int) Math.floor(f);
                f -= s;
                if (s < 0) {
                    f = 0;
                    s = 0;
                }
                if (s >= inSize - 1) {
                    f = 0;
                    s = inSize - 1;
                }
                a.first[i] = s;
                a.second[i] = Math.min(s + 1, inSize - 1); // weight 0 when clamped: any index inside will do
                a.weight0[i] = fixedPoint(1f - f);
                a.weight1[i] = fixedPoint(f);
            }
            return a;
        }

        static Axis vertical(int inSize, int outSize, int from, int count) {
            double scale = scale(inSize, outSize);
            Axis a = new Axis(count);
            for (int i = 0; i < count; i++) {
                int d = from + i;
                float f = (float) ((d + 0.5) * scale - 0.5);
                int s = (int) Math.floor(f);
                f -= s;
                a.first[i] = clamp(s, inSize);
                a.second[i] = clamp(s + 1, inSize);
                a.weight0[i] = fixedPoint(1f - f);
                a.weight1[i] = fixedPoint(f);
            }
            return a;
        }

        /** As cv::resize computes it: the inverse of {@code dst / src}, both in double. */
        private static double scale(int inSize, int outSize) {
            double inverse = (double) outSize / inSize;
            return 1.0 / inverse;
        }

        private static int clamp(int index, int size) {
            return index < 0 ? 0 : Math.min(index, size - 1);
        }

        /** {@code saturate_cast<short>(w * 2048)}: round half to even; w is in [0, 1]. */
        static int fixedPoint(float w) {
            return (int) Math.rint(w * (float) ONE);
        }
    }
}
