package io.flinkvision.operators.image;

import java.util.Arrays;

/**
 * Resizes and crops in one go, producing exactly the pixels Pillow's
 * {@code img.resize((rw, rh), BILINEAR).crop(window)} would: a horizontal pass, then a vertical
 * pass, both in Pillow's 22-bit fixed point, with the same rounding to 8 bits after each pass.
 *
 * <p>Cropping is folded in: the horizontal pass computes only the columns inside the crop and
 * only for the source rows the cropped output rows read; the vertical pass computes only the
 * cropped rows. Every output pixel depends only on its own filter window, so skipping the rest
 * changes nothing in what is kept.
 */
final class PilBilinearResizer {
    private static final int HALF = ResampleCoefficients.ROUNDING;

    private PilBilinearResizer() {}

    /** @return the crop window's pixels, interleaved RGB row-major, values 0..255 */
    static int[] resizeAndCrop(RgbImage source, ResizeGeometry g) {
        ResampleCoefficients horizontal = ResampleCoefficients.bilinear(source.width(), g.resizedWidth());
        ResampleCoefficients vertical = ResampleCoefficients.bilinear(source.height(), g.resizedHeight());
        // Window starts never decrease, so the crop's first and last rows bound the rows read
        int firstRow = vertical.start[g.cropY()];
        int endRow = vertical.start[g.cropY() + g.cropHeight() - 1] + vertical.taps;
        int[] columns = horizontalPass(source, horizontal, g.cropX(), g.cropWidth(), firstRow, endRow);
        return verticalPass(columns, vertical, g.cropY(), g.cropHeight(), g.cropWidth() * 3, firstRow);
    }

    /**
     * Rows {@code [firstRow, endRow)} of the source, resized horizontally, crop columns only.
     * Two rows at a time: they share every weight and window, which halves the bookkeeping per
     * multiply-add.
     */
    private static int[] horizontalPass(RgbImage source, ResampleCoefficients c, int cropX, int cropWidth,
            int firstRow, int endRow) {
        byte[] src = source.pixels();
        int srcStride = source.width() * 3;
        int rowLength = cropWidth * 3;
        int[] out = new int[(endRow - firstRow) * rowLength];
        int taps = c.taps;
        int[] start = c.start;
        int[] weights = c.weights;
        int y = firstRow;
        for (; y + 1 < endRow; y += 2) {
            int rowBase = y * srcStride;
            int o = (y - firstRow) * rowLength;
            for (int x = cropX; x < cropX + cropWidth; x++, o += 3) {
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
                out[o] = ResampleCoefficients.clip8(r0);
                out[o + 1] = ResampleCoefficients.clip8(g0);
                out[o + 2] = ResampleCoefficients.clip8(b0);
                out[o + rowLength] = ResampleCoefficients.clip8(r1);
                out[o + rowLength + 1] = ResampleCoefficients.clip8(g1);
                out[o + rowLength + 2] = ResampleCoefficients.clip8(b1);
            }
        }
        if (y < endRow) { // an odd row left over
            int rowBase = y * srcStride;
            int o = (y - firstRow) * rowLength;
            for (int x = cropX; x < cropX + cropWidth; x++, o += 3) {
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
                out[o] = ResampleCoefficients.clip8(r);
                out[o + 1] = ResampleCoefficients.clip8(g);
                out[o + 2] = ResampleCoefficients.clip8(b);
            }
        }
        return out;
    }

    /** Output rows {@code [cropY, cropY + cropHeight)} from the horizontally resized rows. */
    private static int[] verticalPass(int[] rows, ResampleCoefficients c, int cropY, int cropHeight,
            int rowLength, int firstRow) {
        int[] out = new int[cropHeight * rowLength];
        int[] acc = new int[rowLength];
        for (int y = 0; y < cropHeight; y++) {
            int outY = cropY + y;
            Arrays.fill(acc, HALF);
            int base = (c.start[outY] - firstRow) * rowLength;
            int k = outY * c.taps;
            // Row by row over the window keeps the inner loop a plain multiply-add over
            // contiguous ints, which the JIT vectorises
            for (int t = 0; t < c.taps; t++, base += rowLength) {
                int w = c.weights[k + t];
                for (int i = 0; i < rowLength; i++) {
                    acc[i] += rows[base + i] * w;
                }
            }
            int o = y * rowLength;
            for (int i = 0; i < rowLength; i++) {
                out[o + i] = ResampleCoefficients.clip8(acc[i]);
            }
        }
        return out;
    }
}
