package io.flinkvision.core.image;

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
 * <p>Layout choices are for the JIT: the horizontal pass ({@link HorizontalPass}) gathers from
 * windows that start at irregular offsets, so it stays scalar; its output is one array per row,
 * so that the vertical pass is a multiply-add between arrays at the same index, the form the JIT
 * turns into SIMD code (an offset index into one big array defeats it).
 */
final class PilBilinearResizer {
    private static final int HALF = ResampleCoefficients.ROUNDING;

    private PilBilinearResizer() {}

    /** Hands the crop window's rows, top to bottom, to {@code sink}. */
    static void resizeAndCrop(RgbImage source, ResizeGeometry g, RowSink sink) {
        ResampleCoefficients horizontal = ResampleCoefficients.bilinear(source.width(), g.resizedWidth());
        int kernelTaps = HorizontalPass.kernelTaps(horizontal.taps);
        if (kernelTaps != horizontal.taps) {
            horizontal = ResampleCoefficients.bilinear(source.width(), g.resizedWidth(), kernelTaps);
        }
        ResampleCoefficients vertical = ResampleCoefficients.bilinear(source.height(), g.resizedHeight());
        // Window starts never decrease, so the crop's first and last rows bound the rows read
        int firstRow = vertical.start[g.cropY()];
        int endRow = vertical.start[g.cropY() + g.cropHeight() - 1] + vertical.taps;
        int[][] rows = HorizontalPass.run(source, horizontal, g.cropX(), g.cropWidth(), firstRow, endRow);
        verticalPass(rows, vertical, g.cropY(), g.cropHeight(), firstRow, sink);
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
