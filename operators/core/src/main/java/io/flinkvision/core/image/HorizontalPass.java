package io.flinkvision.core.image;

/**
 * The horizontal half of {@link PilBilinearResizer}: source rows resized horizontally, crop
 * columns only, in Pillow's fixed point.
 *
 * <p>This is where preprocessing spends most of its time, and its windows start at irregular
 * offsets, so the JIT cannot vectorise it. Two things make the scalar code cheaper: rows go in
 * pairs, sharing every weight and window; and for the window lengths of common downscales (up to
 * 4 taps for SD, 6 for 720p, after zero-padding shorter windows) there are fully unrolled
 * kernels, which hold the weights in registers and need one bounds check per window instead of
 * one per load. Other lengths take a plain loop. All paths compute the same sums.
 */
final class HorizontalPass {
    private static final int HALF = ResampleCoefficients.ROUNDING;

    private HorizontalPass() {}

    /** The window length to pad to: one that has an unrolled kernel, else the natural one. */
    static int kernelTaps(int naturalTaps) {
        return naturalTaps <= 4 ? 4 : naturalTaps <= 6 ? 6 : naturalTaps;
    }

    /** Source rows {@code [firstRow, endRow)}, one output array of {@code cropWidth * 3} per row. */
    static int[][] run(RgbImage source, ResampleCoefficients c, int cropX, int cropWidth, int firstRow, int endRow) {
        byte[] src = source.pixels();
        int stride = source.width() * 3;
        int[][] out = new int[endRow - firstRow][cropWidth * 3];
        int y = firstRow;
        for (; y + 1 < endRow; y += 2) {
            int[] top = out[y - firstRow];
            int[] bottom = out[y - firstRow + 1];
            if (c.taps == 6) {
                sixTaps(src, y * stride, stride, c, cropX, top, bottom);
            } else if (c.taps == 4) {
                fourTaps(src, y * stride, stride, c, cropX, top, bottom);
            } else {
                anyTaps(src, y * stride, stride, c, cropX, top, bottom);
            }
        }
        if (y < endRow) { // an odd row left over
            oneRow(src, y * stride, c, cropX, out[y - firstRow]);
        }
        return out;
    }

    private static void sixTaps(byte[] s, int rowBase, int stride, ResampleCoefficients c, int cropX,
            int[] top, int[] bottom) {
        int[] start = c.start;
        int[] weights = c.weights;
        for (int x = cropX, o = 0; o < top.length; x++, o += 3) {
            int p = rowBase + start[x] * 3;
            int q = p + stride;
            int k = x * 6;
            int w0 = weights[k];
            int w1 = weights[k + 1];
            int w2 = weights[k + 2];
            int w3 = weights[k + 3];
            int w4 = weights[k + 4];
            int w5 = weights[k + 5];
            top[o] = ResampleCoefficients.clip8(HALF + (s[p] & 0xFF) * w0 + (s[p + 3] & 0xFF) * w1
                    + (s[p + 6] & 0xFF) * w2 + (s[p + 9] & 0xFF) * w3 + (s[p + 12] & 0xFF) * w4 + (s[p + 15] & 0xFF) * w5);
            top[o + 1] = ResampleCoefficients.clip8(HALF + (s[p + 1] & 0xFF) * w0 + (s[p + 4] & 0xFF) * w1
                    + (s[p + 7] & 0xFF) * w2 + (s[p + 10] & 0xFF) * w3 + (s[p + 13] & 0xFF) * w4 + (s[p + 16] & 0xFF) * w5);
            top[o + 2] = ResampleCoefficients.clip8(HALF + (s[p + 2] & 0xFF) * w0 + (s[p + 5] & 0xFF) * w1
                    + (s[p + 8] & 0xFF) * w2 + (s[p + 11] & 0xFF) * w3 + (s[p + 14] & 0xFF) * w4 + (s[p + 17] & 0xFF) * w5);
            bottom[o] = ResampleCoefficients.clip8(HALF + (s[q] & 0xFF) * w0 + (s[q + 3] & 0xFF) * w1
                    + (s[q + 6] & 0xFF) * w2 + (s[q + 9] & 0xFF) * w3 + (s[q + 12] & 0xFF) * w4 + (s[q + 15] & 0xFF) * w5);
            bottom[o + 1] = ResampleCoefficients.clip8(HALF + (s[q + 1] & 0xFF) * w0 + (s[q + 4] & 0xFF) * w1
                    + (s[q + 7] & 0xFF) * w2 + (s[q + 10] & 0xFF) * w3 + (s[q + 13] & 0xFF) * w4 + (s[q + 16] & 0xFF) * w5);
            bottom[o + 2] = ResampleCoefficients.clip8(HALF + (s[q + 2] & 0xFF) * w0 + (s[q + 5] & 0xFF) * w1
                    + (s[q + 8] & 0xFF) * w2 + (s[q + 11] & 0xFF) * w3 + (s[q + 14] & 0xFF) * w4 + (s[q + 17] & 0xFF) * w5);
        }
    }

    private static void fourTaps(byte[] s, int rowBase, int stride, ResampleCoefficients c, int cropX,
            int[] top, int[] bottom) {
        int[] start = c.start;
        int[] weights = c.weights;
        for (int x = cropX, o = 0; o < top.length; x++, o += 3) {
            int p = rowBase + start[x] * 3;
            int q = p + stride;
            int k = x * 4;
            int w0 = weights[k];
            int w1 = weights[k + 1];
            int w2 = weights[k + 2];
            int w3 = weights[k + 3];
            top[o] = ResampleCoefficients.clip8(HALF + (s[p] & 0xFF) * w0 + (s[p + 3] & 0xFF) * w1
                    + (s[p + 6] & 0xFF) * w2 + (s[p + 9] & 0xFF) * w3);
            top[o + 1] = ResampleCoefficients.clip8(HALF + (s[p + 1] & 0xFF) * w0 + (s[p + 4] & 0xFF) * w1
                    + (s[p + 7] & 0xFF) * w2 + (s[p + 10] & 0xFF) * w3);
            top[o + 2] = ResampleCoefficients.clip8(HALF + (s[p + 2] & 0xFF) * w0 + (s[p + 5] & 0xFF) * w1
                    + (s[p + 8] & 0xFF) * w2 + (s[p + 11] & 0xFF) * w3);
            bottom[o] = ResampleCoefficients.clip8(HALF + (s[q] & 0xFF) * w0 + (s[q + 3] & 0xFF) * w1
                    + (s[q + 6] & 0xFF) * w2 + (s[q + 9] & 0xFF) * w3);
            bottom[o + 1] = ResampleCoefficients.clip8(HALF + (s[q + 1] & 0xFF) * w0 + (s[q + 4] & 0xFF) * w1
                    + (s[q + 7] & 0xFF) * w2 + (s[q + 10] & 0xFF) * w3);
            bottom[o + 2] = ResampleCoefficients.clip8(HALF + (s[q + 2] & 0xFF) * w0 + (s[q + 5] & 0xFF) * w1
                    + (s[q + 8] & 0xFF) * w2 + (s[q + 11] & 0xFF) * w3);
        }
    }

    private static void anyTaps(byte[] s, int rowBase, int stride, ResampleCoefficients c, int cropX,
            int[] top, int[] bottom) {
        int taps = c.taps;
        int[] start = c.start;
        int[] weights = c.weights;
        for (int x = cropX, o = 0; o < top.length; x++, o += 3) {
            int p = rowBase + start[x] * 3;
            int k = x * taps;
            int r0 = HALF;
            int g0 = HALF;
            int b0 = HALF;
            int r1 = HALF;
            int g1 = HALF;
            int b1 = HALF;
            for (int t = 0; t < taps; t++, p += 3) {
                int w = weights[k + t];
                int q = p + stride;
                r0 += (s[p] & 0xFF) * w;
                g0 += (s[p + 1] & 0xFF) * w;
                b0 += (s[p + 2] & 0xFF) * w;
                r1 += (s[q] & 0xFF) * w;
                g1 += (s[q + 1] & 0xFF) * w;
                b1 += (s[q + 2] & 0xFF) * w;
            }
            top[o] = ResampleCoefficients.clip8(r0);
            top[o + 1] = ResampleCoefficients.clip8(g0);
            top[o + 2] = ResampleCoefficients.clip8(b0);
            bottom[o] = ResampleCoefficients.clip8(r1);
            bottom[o + 1] = ResampleCoefficients.clip8(g1);
            bottom[o + 2] = ResampleCoefficients.clip8(b1);
        }
    }

    private static void oneRow(byte[] s, int rowBase, ResampleCoefficients c, int cropX, int[] out) {
        int taps = c.taps;
        for (int x = cropX, o = 0; o < out.length; x++, o += 3) {
            int p = rowBase + c.start[x] * 3;
            int k = x * taps;
            int r = HALF;
            int g = HALF;
            int b = HALF;
            for (int t = 0; t < taps; t++, p += 3) {
                int w = c.weights[k + t];
                r += (s[p] & 0xFF) * w;
                g += (s[p + 1] & 0xFF) * w;
                b += (s[p + 2] & 0xFF) * w;
            }
            out[o] = ResampleCoefficients.clip8(r);
            out[o + 1] = ResampleCoefficients.clip8(g);
            out[o + 2] = ResampleCoefficients.clip8(b);
        }
    }
}
