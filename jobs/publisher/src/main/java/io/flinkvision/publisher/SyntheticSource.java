package io.flinkvision.publisher;

import io.flinkvision.publisher.JpegEncoder;
import io.flinkvision.schemas.FrameEncoding;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Map;
import java.util.Random;

/**
 * Generated JPEG frames of any size, for load tests without data: a gradient that drifts and a few
 * bouncing shapes, so consecutive frames differ. The same seed, size, quality and frame index
 * always give the same bytes.
 */
public final class SyntheticSource implements FrameSource {
    /** A pass that never ends; bound it with the publisher's frames-per-stream. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    private static final int SHAPES = 5;

    private final int width;
    private final int height;
    private final long seed;
    private final long length;
    private final float jpegQuality;

    /** Unbounded, JPEG quality {@value VideoFileSource#DEFAULT_JPEG_QUALITY}. */
    public SyntheticSource(int width, int height, long seed) {
        this(width, height, seed, UNBOUNDED, VideoFileSource.DEFAULT_JPEG_QUALITY);
    }

    /** @param length frames per pass ({@link #UNBOUNDED} for no end) */
    public SyntheticSource(int width, int height, long seed, long length, float jpegQuality) {
        if (width < 1 || height < 1 || (long) width * height > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("synthetic size must be 1x1 to 64 megapixels, got " + width + "x" + height);
        }
        if (length < 1) {
            throw new IllegalArgumentException("synthetic length must be at least 1 frame, got " + length);
        }
        this.width = width;
        this.height = height;
        this.seed = seed;
        this.length = length;
        this.jpegQuality = JpegEncoder.checkQuality(jpegQuality);
    }

    @Override
    public FrameReader open() {
        JpegEncoder encoder = new JpegEncoder(jpegQuality);
        return new FrameReader() {
            private long index;

            @Override
            public EncodedFrame next() throws IOException {
                if (index >= length) {
                    return null;
                }
                long frameIndex = index++;
                byte[] jpeg = encoder.encode(render(frameIndex));
                return new EncodedFrame(FrameEncoding.JPEG, width, height, jpeg, Map.of(
                        "source", "synthetic",
                        "syntheticSeed", Long.toString(seed),
                        "syntheticFrame", Long.toString(frameIndex)));
            }

            @Override
            public void close() {}
        };
    }

    /** The uncompressed frame {@code index}: a pure function of the seed, size and index. */
    BufferedImage render(long index) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            Random random = new Random(seed);
            float hue = random.nextFloat() + index * 0.002f;
            g.setPaint(new GradientPaint(
                    (index * 3) % width, 0, Color.getHSBColor(hue, 0.6f, 0.9f),
                    width - (index * 3) % width, height, Color.getHSBColor(hue + 0.5f, 0.6f, 0.3f)));
            g.fillRect(0, 0, width, height);
            for (int s = 0; s < SHAPES; s++) {
                int size = Math.max(2, Math.min(width, height) / (4 + random.nextInt(6)));
                int x = bounce(random.nextInt(width), 1 + random.nextInt(7), index, Math.max(1, width - size));
                int y = bounce(random.nextInt(height), 1 + random.nextInt(7), index, Math.max(1, height - size));
                g.setColor(Color.getHSBColor(random.nextFloat(), 0.8f, 1f));
                if (s % 2 == 0) {
                    g.fillOval(x, y, size, size);
                } else {
                    g.fillRect(x, y, size, size);
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Position after {@code steps} moves of {@code speed} pixels, reflecting off 0 and {@code max}. */
    private static int bounce(int start, int speed, long steps, int max) {
        long period = 2L * max;
        long p = Math.floorMod(start + speed * steps, period);
        return (int) (p <= max ? p : period - p);
    }

    @Override
    public String description() {
        return "synthetic " + width + "x" + height + " frames (seed " + seed + ")";
    }
}
