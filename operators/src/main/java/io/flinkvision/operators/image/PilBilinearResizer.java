package io.flinkvision.operators.image;

/**
 * Resizes and crops in one go, producing exactly the pixels Pillow's
 * {@code img.resize((rw, rh), BILINEAR).crop(window)} would: a horizontal pass, then a vertical
 * pass, both in Pillow's 22-bit fixed point, with the same rounding to 8 bits after each pass.
 *
 * <p>Cropping is folded in: the horizontal pass computes only the columns inside the crop and
 * only for the source rows the cropped output rows read; the vertical pass computes only the
 * cropped rows. Every output pixel depends only on its own filter window, so skipping the rest
 * changes nothing in what is kept.
 *
 * <p>Layout choices are for the JIT: the horizontal pass gathers from windows that start at
 * irregular offsets, so it stays scalar (two rows at a time, sharing weights); its output is one
 * array per row, so that the vertical pass is a multiply-add between arrays at the same index,
 * the form the JIT turns into SIMD code (an offset index into one big array defeats it).
 */
final class PilBilinearResizer {
    private static final int HALF = ResampleCoefficients.ROUNDING;

    /** Receives the output one row at a time; the array is reused for the next row. */
    @FunctionalInterface
    interface RowSink {
        /** @param rgb {@code cropWidth * 3} interleaved RGB values, 0..255 */
        void row(int y, int[] rgb);
    }

    private PilBilinearResizer() {}

    /** Hands the crop window's rows, top to bottom, to {@code sink}. */
    static void resizeAndCrop(RgbImage source, ResizeGeometry g, RowSink sink) {
        ResampleCoefficients horizontal = ResampleCoefficients.bilinear(source.width(), g.resizedWidth());
        ResampleCoefficients vertical = ResampleCoefficients.bilinear(source.height(), g.resizedHeight());
        // Window starts never decrease, so the crop's first and last rows bound the rows read
        int firstRow = vertical.start[g.cropY()];
        int endRow = vertical.start[g.cropY() + g.cropHeight() - 1] + vertical.taps;
        int[][] rows = horizontalPass(source, horizontal, g.cropX(), g.cropWidth(), firstRow, endRow);
        verticalPass(rows, vertical, g.cropY(), g.cropHeight(), firstRow, sink);
    }

    /**
     * Rows {@code [firstRow, endRow)} of the source, resized horizontally, crop columns only.
     * Two rows at a time: they share every weight and window, which halves the bookkeeping per
     * multiply-add.
     */
    private static int[][] horizontalPass(RgbImage source, ResampleCoefficients c, int cropX, int cropWidth,
            int firstRow, int endRow) {
        byte[] src = source.pixels();
        int srcStride = source.width() * 3;
        int[][] out = new int[endRow - firstRow][cropWidth * 3];
        int taps = c.taps;
        int[] start = c.start;
        int[] weights = c.weights;
        int y = firstRow;
        for (; y + 1 < endRow; y += 2) {
            int rowBase = y * srcStride;
            int[] out0 = out[y - firstRow];
            int[] out1 = out[y - firstRow + 1];
            for (int x = cropX, o = 0; x < cropX + cropWidth; x++, o += 3) {
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
                    int q = p + srcStride;
                    r0 += (src[p] & 0xFF) * w;
                    g0 += (src[p + 1] & 0xFF) * w;
                    b0 += (src[p + 2] & 0xFF) * w;
                    r1 += (src[q] & 0xFF) * w;
                    g1 += (src[q + 1] & 0xFF) * w;
                    b1 += (src[q + 2] & 0xFF) * w;
                }
                out0[o] = ResampleCoefficients.clip8(r0);
                out0[o + 1] = ResampleCoefficients.clip8(g0);
                out0[o + 2] = ResampleCoefficients.clip8(b0);
                out1[o] = ResampleCoefficients.clip8(r1);
                out1[o + 1] = ResampleCoefficients.clip8(g1);
                out1[o + 2] = ResampleCoefficients.clip8(b1);
            }
        }
        if (y < endRow) { // an odd row left over
            int rowBase = y * srcStride;
            int[] out0 = out[y - firstRow];
            for (int x = cropX, o = 0; x < cropX + cropWidth; x++, o += 3) {
                int p = rowBase + start[x] * 3;
                int k = x * taps;
                int r = HALF;
                int g = HALF;
                int b = HALF;
                for (int t = 0; t < taps; t++, p += 3) {
                    int w = weights[k + t];
                    r += (src[p] & 0xFF) * w;
                    g += (src[p + 1] & 0xFF) * w;
                    b += (src[p + 2] & 0xFF) * w;
                }
                out0[o] = ResampleCoefficients.clip8(r);
                out0[o + 1] = ResampleCoefficients.clip8(g);
                out0[o + 2] = ResampleCoefficients.clip8(b);
            }
        }
        return out;
    }

    /** Output rows {@code [cropY, cropY + cropHeight)} from the horizontally resized rows. */
    private static void verticalPass(int[][] rows, ResampleCoefficients c, int cropY, int cropHeight, int firstRow,
            RowSink sink) {
        int length = rows[0].length;
        int[] acc = new int[length];
        for (int y = 0; y < cropHeight; y++) {
            int outY = cropY + y;
            int first = c.start[outY] - firstRow;
            int k = outY * c.taps;
            int[] row = rows[first];
            int w = c.weights[k];
            for (int i = 0; i < length; i++) {
                acc[i] = HALF + row[i] * w;
            }
            for (int t = 1; t < c.taps; t++) {
                row = rows[first + t];
                w = c.weights[k + t];
                for (int i = 0; i < length; i++) {
                    acc[i] += row[i] * w;
                }
            }
            for (int i = 0; i < length; i++) {
                acc[i] = ResampleCoefficients.clip8(acc[i]);
            }
            sink.row(y, acc);
        }
    }
}
