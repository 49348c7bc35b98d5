package io.flinkvision.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.model.PreprocessSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PixelPathTimerTest {
    private static byte[] jpeg(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 3) & 0xFF) << 16 | ((y * 5) & 0xFF) << 8 | ((x + y) & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "jpg", out)).isTrue();
        return out.toByteArray();
    }

    @Test
    void recordsDecodePreprocessAndBothForEachTimedFrame() throws Exception {
        PixelPathTimer timer = PixelPathTimer.builder().jpegs(List.of(jpeg(320, 200), jpeg(200, 320)))
                .preprocess(PreprocessSpec.imagenet(224, 256)).warmupFrames(3).timedFrames(7).build();

        PixelPathCost cost = timer.time();

        assertThat(cost.frames()).isEqualTo(7);
        assertThat(cost.decode().count()).isEqualTo(7);
        assertThat(cost.preprocess().count()).isEqualTo(7);
        assertThat(cost.decode().meanMillis()).isPositive();
        assertThat(cost.preprocess().meanMillis()).isPositive();
        // The total is timed around both parts of the same frames: its mean is their sum (histogram precision).
        assertThat(cost.meanCoreMillis()).isCloseTo(cost.decode().meanMillis() + cost.preprocess().meanMillis(),
                within(0.01 * cost.meanCoreMillis()));
    }

    @Test
    void aFrameTheJobWouldRejectIsAnError() {
        PixelPathTimer timer = PixelPathTimer.builder().jpegs(List.of(new byte[] {1, 2, 3}))
                .preprocess(PreprocessSpec.imagenet(224, 256)).build();

        assertThatThrownBy(timer::time).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame 0 is not a JPEG the job accepts");
    }

    @Test
    void theBuilderSaysWhatIsMissing() throws Exception {
        assertThatThrownBy(() -> PixelPathTimer.builder().preprocess(PreprocessSpec.imagenet(224, 256)).build())
                .hasMessageContaining("jpegs: give at least one JPEG");
        assertThatThrownBy(() -> PixelPathTimer.builder().jpegs(List.of(jpeg(8, 8))).build())
                .hasMessageContaining("preprocess: give the model's PreprocessSpec");
        assertThatThrownBy(() -> PixelPathTimer.builder().jpegs(List.of(jpeg(8, 8)))
                .preprocess(PreprocessSpec.imagenet(224, 256)).timedFrames(0).build())
                .hasMessageContaining("timedFrames must be at least 1");
    }
}
