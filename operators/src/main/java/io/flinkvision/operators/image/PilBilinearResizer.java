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
 */
final class PilBilinearResizer {
    private PilBilinearResizer() {}

    /** @return the crop window's pixels, interleaved RGB row-major, values 0..255 */
    static int[] resizeAndCrop(RgbImage source, ResizeGeometry g) {
        ResampleCoefficients horizontal = ResampleCoefficients.bilinear(source.width(), g.resizedWidth());
        ResampleCoefficients vertical = ResampleCoefficients.bilinear(source.height(), g.resizedHeight());
        int firstRow = Integer.MAX_VALUE;
        int endRow = 0;
        for (int y = g.cropY(); y < g.cropY() + g.cropHeight(); y++) {
            firstRow = Math.min(firstRow, vertical.start[y]);
            endRow = Math.max(endRow, vertical.start[y] + vertical.count[y]);
        }
        int[] columns = horizontalPass(source, horizontal, g.cropX(), g.cropWidth(), firstRow, endRow);
        return verticalPass(columns, vertical, g.cropY(), g.cropHeight(), g.cropWidth() * 3, firstRow);
    }

    /** Rows {@code [firstRow, endRow)} of the source, resized horizontally, crop columns only. */
    private static int[] horizontalPass(RgbImage source, ResampleCoefficients c, int cropX, int cropWidth,
            int firstRow, int endRow) {
        byte[] src = source.pixels();
        int srcStride = source.width() * 3;
        int[] out = new int[(endRow - firstRow) * cropWidth * 3];
        int[] start = c.start;
        int[] count = c.count;
        int[] weights = c.weights;
        int o = 0;
        for (int y = firstRow; y < endRow; y++) {
            int rowBase = y * srcStride;
            for (int x = cropX; x < cropX + cropWidth; x++) {
                int p = rowBase + start[x] * 3;
                int k = x * c.stride;
                int r = ResampleCoefficients.ROUNDING;
                int gr = ResampleCoefficients.ROUNDING;
                int b = ResampleCoefficients.ROUNDING;
                for (int t = count[x]; t > 0; t--, p += 3, k++) {
                    int w = weights[k];
                    r += (src[p] & 0xFF) * w;
                    gr += (src[p + 1] & 0xFF) * w;
                    b += (src[p + 2] & 0xFF) * w;
                }
                out[o++] = ResampleCoefficients.clip8(r);
                out[o++] = ResampleCoefficients.clip8(gr);
                out[o++] = ResampleCoefficients.clip8(b);
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
            java.util.Arrays.fill(acc, ResampleCoefficients.ROUNDING);
            int base = (c.start[outY] - firstRow) * rowLength;
            int k = outY * c.stride;
            // Row by row over the window keeps the inner loop a plain multiply-add over
            // contiguous ints, which the JIT vectorises
            for (int t = 0; t < c.count[outY]; t++, base += rowLength) {
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
