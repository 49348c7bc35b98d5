package io.flinkvision.planner;

import io.flinkvision.measure.FrameSize;
import io.flinkvision.publisher.JpegEncoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * The JPEG the planner decodes to cost the pixel path of a camera it has never seen: smooth gradients
 * with mild noise at quality 0.75, which compresses and decodes like a natural scene. Flat colour
 * (or the publisher's synthetic shapes, ~30 KB at 720p) decodes at half the cost of a photo; white
 * noise costs far more.
 */
final class CameraLikeFrame {
    private CameraLikeFrame() {}

    static byte[] jpeg(FrameSize size, long seed) {
        int width = size.width();
        int height = size.height();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(24)) & 0xFF;
                int g = (y * 255 / height + random.nextInt(24)) & 0xFF;
                int b = ((x + y) * 127 / (width + height) + 64 + random.nextInt(24)) & 0xFF;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        try {
            return new JpegEncoder(0.75f).encode(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
