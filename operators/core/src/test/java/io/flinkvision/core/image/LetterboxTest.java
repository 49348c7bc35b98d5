package io.flinkvision.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.model.ChannelOrder;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.PixelRange;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.ResizeFilter;
import io.flinkvision.core.model.ResizeMode;
import io.flinkvision.core.model.TensorLayout;
import org.junit.jupiter.api.Test;

/**
 * Letterbox forward and inverse: a red rectangle drawn at known frame pixels is found in the model
 * input where the letterbox puts it, the padding holds exactly the pad value, and the placement maps
 * the rectangle's input edges back onto its frame edges, for landscape, portrait and square frames.
 */
class LetterboxTest {
    private static final int SIZE = 64;
    /** A tensor value no pixel can take in the raw 0..255 range, so padding cannot be mistaken for image. */
    private static final float PAD = -1f;

    @Test
    void landscapeFramePadsAtTheBottom() {
        // r = min(64/100, 64/200) = 0.32: resized 64x32 at the top-left, rows 32..63 padding
        Placed p = place(200, 100, 40, 20, 120, 60, ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(p.placement).isEqualTo(new ImagePlacement(200, 100, 0.32, 0.32, 0, 0));
        p.assertPaddingOutside(0, 0, 64, 32);
        p.assertRectangleMapsBack(40, 20, 120, 60);
    }

    @Test
    void portraitFramePadsOnTheRight() {
        Placed p = place(100, 200, 20, 40, 60, 120, ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(p.placement).isEqualTo(new ImagePlacement(100, 200, 0.32, 0.32, 0, 0));
        p.assertPaddingOutside(0, 0, 32, 64);
        p.assertRectangleMapsBack(20, 40, 60, 120);
    }

    @Test
    void squareFrameFillsTheInput() {
        // r = 64/150; (int) (150 * r) = 64: nothing is padded
        Placed p = place(150, 150, 30, 60, 90, 135, ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(p.placement.scaleX()).isEqualTo(64.0 / 150);
        assertThat(p.paddedValues()).isZero();
        p.assertRectangleMapsBack(30, 60, 90, 135);
    }

    @Test
    void centredLetterboxSplitsThePadding() {
        // resized 64x32, placed at y = (64 - 32) / 2 = 16
        Placed landscape = place(200, 100, 40, 20, 120, 60, ResizeMode.LETTERBOX_CENTRED);
        assertThat(landscape.placement).isEqualTo(new ImagePlacement(200, 100, 0.32, 0.32, 0, 16));
        landscape.assertPaddingOutside(0, 16, 64, 48);
        landscape.assertRectangleMapsBack(40, 20, 120, 60);
        // 90x200: r = 0.32, resized (int) 28.8 = 28 wide, at x = (64 - 28) / 2 = 18
        Placed portrait = place(90, 200, 10, 50, 80, 150, ResizeMode.LETTERBOX_CENTRED);
        assertThat(portrait.placement).isEqualTo(new ImagePlacement(90, 200, 0.32, 0.32, 18, 0));
        portrait.assertPaddingOutside(18, 0, 46, 64);
        portrait.assertRectangleMapsBack(10, 50, 80, 150);
    }

    @Test
    void theStandInsLetterboxOfAVgaFrame() {
        // YOLOX at 416: r = min(416/480, 416/640) = 0.65, resized (int) (640 * 0.65) x (int) (480 * 0.65) = 416x312
        ResizeGeometry g = ResizeGeometry.letterbox(416, 416, 640, 480, false);
        assertThat(g.resizedWidth()).isEqualTo(416);
        assertThat(g.resizedHeight()).isEqualTo(312);
        ImagePlacement placement = g.placement(640, 480);
        // A box the model reports at input (104, 52)-(208, 260) is (160, 80)-(320, 400) in the frame
        assertThat(placement.frameX(104)).isCloseTo(160f, within(1e-4f));
        assertThat(placement.frameY(52)).isCloseTo(80f, within(1e-4f));
        assertThat(placement.frameX(208)).isCloseTo(320f, within(1e-4f));
        assertThat(placement.frameY(260)).isCloseTo(400f, within(1e-4f));
        // Boxes reaching into the padding are clipped to the frame
        assertThat(placement.frameY(400)).isEqualTo(480f);
        assertThat(placement.frameX(-3)).isZero();
    }

    @Test
    void centerCropPlacementUndoesTheCrop() {
        // 640x480, shorter side to 256: 341x256, crop 224 at (58, 16)
        PreprocessSpec spec = PreprocessSpec.imagenet(224, 256);
        ImagePlacement placement = new ImagePreprocessor(spec).placement(640, 480);
        assertThat(placement.shiftX()).isEqualTo(-58);
        assertThat(placement.shiftY()).isEqualTo(-16);
        assertThat(placement.scaleX()).isEqualTo(341.0 / 640);
        assertThat(placement.frameX(0)).isCloseTo((float) (58 * 640 / 341.0), within(1e-3f));
        assertThat(placement.inputX(placement.frameX(100))).isCloseTo(100, within(1e-4));
    }

    private static Placed place(int width, int height, int x0, int y0, int x1, int y1, ResizeMode mode) {
        byte[] px = new byte[width * height * 3];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                px[(y * width + x) * 3] = (byte) 255; // red
            }
        }
        PreprocessSpec spec = new PreprocessSpec(SIZE, SIZE, 0, TensorLayout.NCHW, ChannelOrder.BGR,
                InputElementType.FLOAT32, new float[] {0, 0, 0}, new float[] {1, 1, 1}, mode, ResizeFilter.OPENCV_LINEAR,
                PixelRange.RAW, PAD);
        float[] tensor = new float[spec.sampleLength()];
        ImagePlacement placement = new ImagePreprocessor(spec).preprocessInto(new RgbImage(width, height, px), tensor, 0);
        return new Placed(tensor, placement);
    }

    private record Placed(float[] tensor, ImagePlacement placement) {
        /** BGR, NCHW: the red channel is plane 2. */
        float at(int channel, int x, int y) {
            return tensor[channel * SIZE * SIZE + y * SIZE + x];
        }

        long paddedValues() {
            long n = 0;
            for (float v : tensor) {
                n += v == PAD ? 1 : 0;
            }
            return n;
        }

        /** Everything outside [x0, x1) x [y0, y1) is padding in all channels; inside, none is. */
        void assertPaddingOutside(int x0, int y0, int x1, int y1) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        boolean inside = x >= x0 && x < x1 && y >= y0 && y < y1;
                        float v = at(c, x, y);
                        if (inside) {
                            assertThat(v).as("image pixel (%d,%d,%d)", x, y, c).isNotEqualTo(PAD);
                        } else {
                            assertThat(v).as("pad at (%d,%d,%d)", x, y, c).isEqualTo(PAD);
                        }
                    }
                }
            }
        }

        /** The red area's input edges, mapped back, are the rectangle's frame edges to within one input pixel. */
        void assertRectangleMapsBack(int x0, int y0, int x1, int y1) {
            int minX = SIZE;
            int minY = SIZE;
            int maxX = -1;
            int maxY = -1;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    if (at(2, x, y) >= 128 && at(0, x, y) == 0f) { // red, and in BGR order
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            assertThat(maxX).as("red found").isGreaterThanOrEqualTo(0);
            double onePixel = 1 / placement.scaleX();
            assertThat((double) placement.frameX(minX)).isCloseTo(x0, within(onePixel));
            assertThat((double) placement.frameY(minY)).isCloseTo(y0, within(onePixel));
            assertThat((double) placement.frameX(maxX + 1)).isCloseTo(x1, within(onePixel));
            assertThat((double) placement.frameY(maxY + 1)).isCloseTo(y1, within(onePixel));
            // and forward: the frame rectangle's corners land on the red area's edges
            assertThat(placement.inputX(x0)).isCloseTo(minX, within(1.0));
            assertThat(placement.inputY(y1)).isCloseTo(maxY + 1, within(1.0));
        }
    }
}
