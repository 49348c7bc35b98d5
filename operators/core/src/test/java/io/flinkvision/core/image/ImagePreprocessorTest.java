package io.flinkvision.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.model.ChannelOrder;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.TensorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Layout, channel order, normalisation, resize and crop of the preprocessor, against values worked out here. */
class ImagePreprocessorTest {
    private static final float[] MEAN = PreprocessSpec.IMAGENET_MEAN;
    private static final float[] STD = PreprocessSpec.IMAGENET_STD;

    @Test
    void uniformImageGivesTheNormalisedColourEverywhere() {
        int[] colour = {10, 200, 77};
        float[] out = new ImagePreprocessor(PreprocessSpec.imagenet(224, 256)).preprocess(uniform(320, 200, colour));
        int plane = 224 * 224;
        assertThat(out).hasSize(3 * plane);
        for (int c = 0; c < 3; c++) {
            double expected = (colour[c] / 255.0 - MEAN[c]) / STD[c];
            for (int i = 0; i < plane; i++) {
                assertThat((double) out[c * plane + i]).as("channel %d index %d", c, i).isCloseTo(expected, within(1e-5));
            }
        }
    }

    @Test
    void uniformImageStaysUniformForAnyGeometry() {
        int[] colour = {250, 3, 128};
        PreprocessSpec wide = spec(200, 100, 210, TensorLayout.NHWC, ChannelOrder.RGB, InputElementType.UINT8);
        PreprocessSpec straight = spec(64, 48, 0, TensorLayout.NHWC, ChannelOrder.RGB, InputElementType.UINT8);
        for (PreprocessSpec spec : List.of(wide, straight)) {
            for (RgbImage image : List.of(uniform(1001, 333, colour), uniform(41, 300, colour), uniform(7, 5, colour),
                    uniform(1, 1, colour), uniform(1, 90, colour))) {
                float[] out = new ImagePreprocessor(spec).preprocess(image);
                for (int i = 0; i < out.length; i++) {
                    assertThat(out[i]).as("%s from %dx%d, value %d", spec, image.width(), image.height(), i)
                            .isEqualTo((float) colour[i % 3]);
                }
            }
        }
    }

    @Test
    void nhwcIsTheTransposeOfNchw() {
        RgbImage image = pattern(300, 260);
        float[] nchw = new ImagePreprocessor(PreprocessSpec.imagenet(224, 256)).preprocess(image);
        float[] nhwc = new ImagePreprocessor(spec(224, 224, 256, TensorLayout.NHWC, ChannelOrder.RGB,
                InputElementType.FLOAT32)).preprocess(image);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(nhwc[(y * 224 + x) * 3 + c]).isEqualTo(nchw[c * 224 * 224 + y * 224 + x]);
                }
            }
        }
    }

    @Test
    void bgrSwapsTheFirstAndLastChannel() {
        RgbImage image = pattern(240, 250);
        float[] rgb = new ImagePreprocessor(spec(224, 224, 240, TensorLayout.NCHW, ChannelOrder.RGB,
                InputElementType.UINT8)).preprocess(image);
        float[] bgr = new ImagePreprocessor(spec(224, 224, 240, TensorLayout.NCHW, ChannelOrder.BGR,
                InputElementType.UINT8)).preprocess(image);
        int plane = 224 * 224;
        assertThat(Arrays.copyOfRange(bgr, 0, plane)).isEqualTo(Arrays.copyOfRange(rgb, 2 * plane, 3 * plane));
        assertThat(Arrays.copyOfRange(bgr, plane, 2 * plane)).isEqualTo(Arrays.copyOfRange(rgb, plane, 2 * plane));
        assertThat(Arrays.copyOfRange(bgr, 2 * plane, 3 * plane)).isEqualTo(Arrays.copyOfRange(rgb, 0, plane));
    }

    @Test
    void bgrNormalisesWithTheMeanAndStdOfTheModelsOwnChannelOrder() {
        // mean/std are listed in the model's channel order, so for BGR the first pair applies to blue
        float[] mean = {0.1f, 0.5f, 0.9f};
        float[] std = {0.2f, 0.3f, 0.4f};
        int[] colour = {30, 60, 90};
        PreprocessSpec bgr = new PreprocessSpec(8, 8, 0, TensorLayout.NHWC, ChannelOrder.BGR,
                InputElementType.FLOAT32, mean, std);
        float[] out = new ImagePreprocessor(bgr).preprocess(uniform(20, 20, colour));
        for (int p = 0; p < 64; p++) {
            assertThat((double) out[p * 3]).isCloseTo((90 / 255.0 - 0.1) / 0.2, within(1e-5));
            assertThat((double) out[p * 3 + 1]).isCloseTo((60 / 255.0 - 0.5) / 0.3, within(1e-5));
            assertThat((double) out[p * 3 + 2]).isCloseTo((30 / 255.0 - 0.9) / 0.4, within(1e-5));
        }
    }

    @Test
    void cropOffsetsAreFlooredAndScaleOneKeepsEveryPixel() {
        // The shorter side already has the target length, so the resize is the identity and the
        // output shows exactly which source pixels the crop kept: offsets floor(35/2), floor(79/2),
        // where rounding (half up, or half to even) would give 18 and 40
        PreprocessSpec spec = spec(224, 224, 259, TensorLayout.NCHW, ChannelOrder.RGB, InputElementType.UINT8);
        assertCrop(new ImagePreprocessor(spec).preprocess(pattern(259, 303)), 17, 39);
        assertCrop(new ImagePreprocessor(spec).preprocess(pattern(303, 259)), 39, 17);
    }

    /** Straight resizes, down and up, sized so the horizontal pass uses each of its kernels. */
    private static final int[][] RESIZE_CASES = {
        {97, 61, 40, 25}, // downscale 2.4: 6-tap kernel (5 padded)
        {1280, 9, 455, 5}, // the 720p horizontal ratio: 6 taps
        {20, 15, 56, 40}, // upscale: 4-tap kernel (padded)
        {150, 31, 87, 64}, // mild downscale: 4 taps
        {200, 90, 40, 20}, // downscale 5: generic loop (11 taps)
        {5, 300, 3, 7}, // input narrower than a padded window: generic loop
        {1, 1, 6, 5}, // a single pixel
    };

    @Test
    void resizeMatchesAFloatingPointTriangleFilter() {
        for (int[] c : RESIZE_CASES) {
            RgbImage image = pattern(c[0], c[1]);
            PreprocessSpec spec = spec(c[2], c[3], 0, TensorLayout.NHWC, ChannelOrder.RGB, InputElementType.UINT8);
            assertNearReference(new ImagePreprocessor(spec).preprocess(image), referenceResize(image, c[2], c[3]),
                    c[2], c[3], 0, 0);
        }
    }

    @Test
    void resizeCasesReachEveryHorizontalKernel() {
        Set<Integer> kernels = new TreeSet<>();
        for (int[] c : RESIZE_CASES) {
            // What the resizer does: pad to a kernel's length where the input allows it
            int natural = ResampleCoefficients.bilinear(c[0], c[2]).taps;
            int used = ResampleCoefficients.bilinear(c[0], c[2], HorizontalPass.kernelTaps(natural)).taps;
            kernels.add(used == 4 || used == 6 ? used : -1); // -1: the generic loop
        }
        assertThat(kernels).containsExactly(-1, 4, 6);
    }

    @Test
    void croppedResizeEqualsResizingEverythingThenCropping() {
        // 150x110: shorter side 110 -> 64, longer round(64*150/110) = round(87.27) = 87; crop 48x48 at (19, 8)
        RgbImage image = pattern(150, 110);
        PreprocessSpec spec = spec(48, 48, 64, TensorLayout.NHWC, ChannelOrder.RGB, InputElementType.UINT8);
        double[][][] full = referenceResize(image, 87, 64);
        assertNearReference(new ImagePreprocessor(spec).preprocess(image), full, 48, 48, 19, 8);
    }

    @Test
    void longerSideIsRoundedNotTruncated() {
        // 147x110: 64 * 147 / 110 = 85.53, so the resize is to 86x64 (truncation would give 85),
        // and the 48x48 crop starts at (floor(38/2), floor(16/2)) = (19, 8)
        RgbImage image = pattern(147, 110);
        PreprocessSpec spec = spec(48, 48, 64, TensorLayout.NHWC, ChannelOrder.RGB, InputElementType.UINT8);
        double[][][] full = referenceResize(image, 86, 64);
        assertNearReference(new ImagePreprocessor(spec).preprocess(image), full, 48, 48, 19, 8);
    }

    @Test
    void preprocessIntoWritesOnlyItsOwnSlice() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.imagenet(32, 40));
        RgbImage image = pattern(50, 45);
        int n = preprocessor.spec().sampleLength();
        float[] batch = new float[3 * n];
        Arrays.fill(batch, Float.NaN);
        preprocessor.preprocessInto(image, batch, n);
        assertThat(Arrays.copyOfRange(batch, n, 2 * n)).isEqualTo(preprocessor.preprocess(image));
        for (int i = 0; i < n; i++) {
            assertThat(batch[i]).isNaN();
            assertThat(batch[2 * n + i]).isNaN();
        }
    }

    @Test
    void tooSmallDestinationIsRefused() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.imagenet(32, 40));
        int n = preprocessor.spec().sampleLength();
        assertThatThrownBy(() -> preprocessor.preprocessInto(pattern(50, 45), new float[2 * n], n + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> preprocessor.preprocessInto(pattern(50, 45), new float[n], -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyDifferentFrameSizesStayCorrect() {
        // More sizes than the coefficient cache holds, so it is reset along the way
        PreprocessSpec spec = spec(8, 8, 8, TensorLayout.NHWC, ChannelOrder.RGB, InputElementType.UINT8);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec);
        int[] colour = {1, 2, 3};
        for (int w = 9; w < 300; w++) {
            float[] out = preprocessor.preprocess(uniform(w, 9, colour));
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo((float) colour[i % 3]);
            }
        }
    }

    @Test
    void onePreprocessorServesSeveralThreads() throws Exception {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.imagenet(64, 72));
        List<RgbImage> images = List.of(pattern(160, 90), pattern(90, 160), pattern(333, 200));
        List<float[]> expected = new ArrayList<>();
        for (RgbImage image : images) {
            expected.add(preprocessor.preprocess(image));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int n = 0; n < 30; n++) {
                        if (!Arrays.equals(preprocessor.preprocess(images.get(n % 3)), expected.get(n % 3))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers

    private static PreprocessSpec spec(int width, int height, int side, TensorLayout layout, ChannelOrder order,
            InputElementType type) {
        return new PreprocessSpec(width, height, side, layout, order, type, MEAN, STD);
    }

    private static RgbImage uniform(int width, int height, int[] colour) {
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) colour[i % 3];
        }
        return new RgbImage(width, height, pixels);
    }

    /** R = x, G = y, B = a mix (all mod 256): each pixel says where it came from. */
    private static RgbImage pattern(int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                pixels[i] = (byte) x;
                pixels[i + 1] = (byte) y;
                pixels[i + 2] = (byte) (x * 7 + y * 3);
            }
        }
        return new RgbImage(width, height, pixels);
    }

    private static void assertCrop(float[] nchw, int offsetX, int offsetY) {
        int plane = 224 * 224;
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                int sx = x + offsetX;
                int sy = y + offsetY;
                int i = y * 224 + x;
                assertThat(nchw[i]).isEqualTo((float) (sx & 0xFF));
                assertThat(nchw[plane + i]).isEqualTo((float) (sy & 0xFF));
                assertThat(nchw[2 * plane + i]).isEqualTo((float) ((sx * 7 + sy * 3) & 0xFF));
            }
        }
    }

    /**
     * A plain double-precision antialiased bilinear resize written from its definition, not from
     * Pillow's code: output pixel i samples around {@code (i + 0.5) * scale} with a triangle of
     * half-width {@code max(1, scale)}, weights normalised, horizontal then vertical.
     */
    private static double[][][] referenceResize(RgbImage image, int outWidth, int outHeight) {
        int w = image.width();
        int h = image.height();
        double[][][] source = new double[h][w][3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    source[y][x][c] = image.pixels()[(y * w + x) * 3 + c] & 0xFF;
                }
            }
        }
        double[][] wx = triangleWeights(w, outWidth);
        double[][] wy = triangleWeights(h, outHeight);
        double[][][] rows = new double[h][outWidth][3];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < outWidth; i++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        rows[y][i][c] += wx[i][x] * source[y][x][c];
                    }
                }
            }
        }
        double[][][] out = new double[outHeight][outWidth][3];
        for (int j = 0; j < outHeight; j++) {
            for (int y = 0; y < h; y++) {
                for (int i = 0; i < outWidth; i++) {
                    for (int c = 0; c < 3; c++) {
                        out[j][i][c] += wy[j][y] * rows[y][i][c];
                    }
                }
            }
        }
        return out;
    }

    private static double[][] triangleWeights(int in, int out) {
        double scale = (double) in / out;
        double support = Math.max(1.0, scale);
        double[][] weights = new double[out][in];
        for (int i = 0; i < out; i++) {
            double centre = (i + 0.5) * scale;
            double sum = 0;
            for (int x = 0; x < in; x++) {
                double w = Math.max(0.0, 1.0 - Math.abs(x + 0.5 - centre) / support);
                weights[i][x] = w;
                sum += w;
            }
            for (int x = 0; x < in; x++) {
                weights[i][x] /= sum;
            }
        }
        return weights;
    }

    /** Within one 8-bit step: the implementation rounds to 8 bits after each pass, the reference never. */
    private static void assertNearReference(float[] nhwc, double[][][] reference, int width, int height,
            int offsetX, int offsetY) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat((double) nhwc[(y * width + x) * 3 + c]).as("(%d,%d) channel %d", x, y, c)
                            .isCloseTo(reference[y + offsetY][x + offsetX][c], within(1.0));
                }
            }
        }
    }
}
