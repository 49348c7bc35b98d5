package io.flinkvision.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenCvLinearResizer} against pixels worked out by hand from cv::resize's INTER_LINEAR rules
 * (half-pixel centres, clamped borders, 11-bit weights, {@code (sum + 2^21) >> 22}), and against a
 * plain floating-point bilinear resize, which the fixed point may round differently by at most one.
 */
class OpenCvLinearResizerTest {

    @Test
    void exactHalvingAveragesPairsRoundingHalfUp() {
        // One row 4 -> 2: output d samples 2d + 0.5, weights 1024/1024; (10+20)/2 = 15, (30+41)/2 = 35.5 -> 36
        RgbImage row = grey(4, 1, 10, 20, 30, 41);
        assertThat(channel(resize(row, 2, 1), 0)).containsExactly(15, 36);
    }

    @Test
    void upscalingClampsTheBordersAndWeightsByQuarters() {
        // 2 -> 4: d=0 samples -0.25 (clamped to pixel 0), d=1 0.25, d=2 0.75, d=3 1.25 (clamped to pixel 1)
        RgbImage row = grey(2, 1, 0, 100);
        assertThat(channel(resize(row, 4, 1), 0)).containsExactly(0, 25, 75, 100);
    }

    @Test
    void threeToTwoUsesQuarterWeightsWithoutAntialiasing() {
        // scale 1.5: d=0 samples 0.25 (0.75*p0 + 0.25*p1), d=1 samples 1.75 (0.25*p1 + 0.75*p2).
        // An antialiased filter would also reach p2 for d=0; INTER_LINEAR never does.
        RgbImage row = grey(3, 1, 0, 100, 200);
        assertThat(channel(resize(row, 2, 1), 0)).containsExactly(25, 175);
        RgbImage spike = grey(3, 1, 0, 0, 240);
        assertThat(channel(resize(spike, 2, 1), 0)).containsExactly(0, 180);
    }

    @Test
    void twoByTwoToThreeByThreeInterpolatesBothAxesPerChannel() {
        // 2x2 -> 3x3, scale 2/3: the corners sample outside the picture and clamp to the corner
        // pixels; the centre samples (0.5, 0.5): (a + b + c + d) / 4 = 138.75 -> 139 (the fixed point
        // adds 2^21 before >> 22). Channel 1 holds other values, channel 2 is constant.
        byte[] px = new byte[2 * 2 * 3];
        int[][] values = {{0, 100, 200, 255}, {10, 20, 30, 40}};
        for (int i = 0; i < 4; i++) {
            px[i * 3] = (byte) values[0][i];
            px[i * 3 + 1] = (byte) values[1][i];
            px[i * 3 + 2] = (byte) 77;
        }
        int[][] out = resize(new RgbImage(2, 2, px), 3, 3);
        assertThat(pixel(out, 3, 0, 0)).containsExactly(0, 10, 77);
        assertThat(pixel(out, 3, 2, 0)).containsExactly(100, 20, 77);
        assertThat(pixel(out, 3, 0, 2)).containsExactly(200, 30, 77);
        assertThat(pixel(out, 3, 2, 2)).containsExactly(255, 40, 77);
        assertThat(pixel(out, 3, 1, 1)).containsExactly(139, 25, 77);
        // (1, 0): halfway along the top row: (0 + 100) / 2 and (10 + 20) / 2 = 15
        assertThat(pixel(out, 3, 1, 0)).containsExactly(50, 15, 77);
    }

    @Test
    void weightsAreElevenBitRoundingsOfTheFloatPosition() {
        // 640 -> 416 (the stand-in's letterbox of a 640-wide frame): scale = 1 / 0.65; output 1 samples
        // (float) (1.5 * 1.5384615... - 0.5) = 1.8076923: pixel 1, weights round(0.1923077 * 2048) = 394
        // and round(0.8076923 * 2048) = 1654.
        OpenCvLinearResizer.Axis axis = OpenCvLinearResizer.Axis.horizontal(640, 416, 0, 416);
        assertThat(axis.first[1]).isEqualTo(1);
        assertThat(axis.weight0[1]).isEqualTo(394);
        assertThat(axis.weight1[1]).isEqualTo(1654);
        // Output 0 samples 0.2692308: weights 1497 (0.7307692 * 2048 = 1496.6) and 551 (551.4)
        assertThat(axis.first[0]).isZero();
        assertThat(axis.weight0[0]).isEqualTo(1497);
        assertThat(axis.weight1[0]).isEqualTo(551);
        // The last output samples 415.5 * 1.5384615 - 0.5 = 638.7307692: pixels 638 and 639
        assertThat(axis.first[415]).isEqualTo(638);
        assertThat(axis.weight0[415]).isEqualTo(551);
        assertThat(axis.weight1[415]).isEqualTo(1497);
        // Upscaling 2 -> 5 (scale 0.4): output 4 samples 1.3, past the last pixel: all weight on pixel 1
        OpenCvLinearResizer.Axis up = OpenCvLinearResizer.Axis.horizontal(2, 5, 0, 5);
        assertThat(up.first[4]).isEqualTo(1);
        assertThat(up.weight0[4]).isEqualTo(2048);
        assertThat(up.weight1[4]).isZero();
    }

    @Test
    void staysWithinOneLevelOfFloatingPointBilinearOnRandomPictures() {
        Random random = new Random(42);
        int[][] sizes = {{37, 23, 16, 11}, {20, 30, 41, 17}, {64, 48, 416, 312}, {5, 7, 5, 7}, {300, 200, 123, 82}};
        for (int[] s : sizes) {
            byte[] px = new byte[s[0] * s[1] * 3];
            random.nextBytes(px);
            RgbImage image = new RgbImage(s[0], s[1], px);
            int[][] out = resize(image, s[2], s[3]);
            for (int y = 0; y < s[3]; y++) {
                for (int x = 0; x < s[2]; x++) {
                    for (int c = 0; c < 3; c++) {
                        double expected = floatBilinear(image, s[2], s[3], x, y, c);
                        assertThat((double) out[y][x * 3 + c]).as("%s at (%d,%d,%d)", java.util.Arrays.toString(s), x, y, c)
                                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
                    }
                }
            }
        }
    }

    @Test
    void cropWindowEqualsTheSameRowsOfTheFullResize() {
        Random random = new Random(7);
        byte[] px = new byte[50 * 40 * 3];
        random.nextBytes(px);
        RgbImage image = new RgbImage(50, 40, px);
        int[][] full = resize(image, 31, 27);
        int[][] crop = new int[9][];
        OpenCvLinearResizer.resizeAndCrop(image, new ResizeGeometry(31, 27, 5, 11, 12, 9, 0, 0, 1, 1),
                (y, rgb) -> crop[y] = rgb.clone());
        for (int y = 0; y < 9; y++) {
            int[] expected = java.util.Arrays.copyOfRange(full[y + 11], 5 * 3, (5 + 12) * 3);
            assertThat(crop[y]).as("row %d", y).containsExactly(expected);
        }
    }

    /** Independent of the class under test: double weights, same sampling and border rules. */
    private static double floatBilinear(RgbImage image, int outW, int outH, int x, int y, int c) {
        double fx = (x + 0.5) * image.width() / outW - 0.5;
        double fy = (y + 0.5) * image.height() / outH - 0.5;
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        double ax = fx - x0;
        double ay = fy - y0;
        if (x0 < 0) {
            x0 = 0;
            ax = 0;
        }
        if (x0 >= image.width() - 1) {
            x0 = image.width() - 1;
            ax = 0;
        }
        int x1 = Math.min(x0 + 1, image.width() - 1);
        int ya = Math.max(0, Math.min(y0, image.height() - 1));
        int yb = Math.max(0, Math.min(y0 + 1, image.height() - 1));
        double top = value(image, x0, ya, c) * (1 - ax) + value(image, x1, ya, c) * ax;
        double bottom = value(image, x0, yb, c) * (1 - ax) + value(image, x1, yb, c) * ax;
        return top * (1 - ay) + bottom * ay;
    }

    private static int value(RgbImage image, int x, int y, int c) {
        return image.pixels()[(y * image.width() + x) * 3 + c] & 0xFF;
    }

    private static RgbImage grey(int width, int height, int... values) {
        byte[] px = new byte[width * height * 3];
        for (int i = 0; i < values.length; i++) {
            px[i * 3] = (byte) values[i];
            px[i * 3 + 1] = (byte) values[i];
            px[i * 3 + 2] = (byte) values[i];
        }
        return new RgbImage(width, height, px);
    }

    static int[][] resize(RgbImage image, int width, int height) {
        int[][] rows = new int[height][];
        OpenCvLinearResizer.resizeAndCrop(image, new ResizeGeometry(width, height, 0, 0, width, height, 0, 0, 1, 1),
                (y, rgb) -> rows[y] = rgb.clone());
        return rows;
    }

    private static int[] channel(int[][] rows, int c) {
        int[] out = new int[rows[0].length / 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows[0][i * 3 + c];
        }
        return out;
    }

    private static int[] pixel(int[][] rows, int width, int x, int y) {
        return new int[] {rows[y][x * 3], rows[y][x * 3 + 1], rows[y][x * 3 + 2]};
    }
}
