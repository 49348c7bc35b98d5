package io.flinkvision.planner;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.publisher.JpegEncoder;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.windows.NearestRankPercentile;
import io.flinkvision.schemas.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * What a job slot spends per frame before the model: decoding a JPEG of the camera's size and
 * preprocessing it to the variant's input (the job's own {@link ImageDecoder} and
 * {@link ImagePreprocessor}). Measured as the median CPU time of this thread, so other load on the
 * machine does not count.
 */
public final class PixelPathCost {
    static final int WARMUP = 100;

    private PixelPathCost() {}

    /** Median core-milliseconds to decode and preprocess one {@code width x height} JPEG for the variant. */
    public static double coreMillis(EfficientNetVariant variant, int width, int height, int iterations) {
        byte[] jpeg = syntheticJpeg(width, height, 7);
        // The eval transform of the paper's resolution: shorter side to round(r / 0.875), center crop r.
        int size = variant.resolution();
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                PreprocessSpec.imagenet(size, (int) Math.round(size / 0.875)));
        ImageDecoder decoder = new ImageDecoder((long) width * height);
        float[] sample = new float[preprocessor.spec().sampleLength()];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[iterations];
        try {
            for (int i = 0; i < WARMUP + iterations; i++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                RgbImage image = decoder.decode(FrameEncoding.JPEG, width, height, jpeg);
                preprocessor.preprocessInto(image, sample, 0);
                if (i >= WARMUP) {
                    nanos[i - WARMUP] = cpu.getCurrentThreadCpuTime() - t0;
                }
            }
        } catch (FrameRejectedException e) {
            throw new IllegalStateException("the planner's own test frame was rejected: " + e.getMessage(), e);
        }
        return new NearestRankPercentile(nanos).at(50) / 1e6;
    }

    /**
     * A model-only measurement with the pixel path added. A slot with {@code threads} intra-op threads
     * owns that many cores; per frame they spend {@code threads * 1000 / fps} core-ms in the model
     * plus {@code pixelCoreMillis} on decoding and preprocessing, so the slot delivers
     * {@code threads * 1000 / (that sum)} frames/s. Latency grows by at least one frame's pixel path
     * (frames are prepared in parallel before their batch runs), which is what is added to p99.
     */
    public static Measurement withPixelPath(Measurement m, double pixelCoreMillis, int threads) {
        if (pixelCoreMillis < 0 || threads < 1) {
            throw new IllegalArgumentException("pixel cost must be >= 0 and threads >= 1");
        }
        double modelCoreMillis = threads * 1000.0 / m.framesPerSecond();
        double fps = threads * 1000.0 / (modelCoreMillis + pixelCoreMillis);
        return new Measurement(m.variant(), m.batchSize(), fps, m.p99Millis() + pixelCoreMillis, m.batches());
    }

    /**
     * A camera-like JPEG (quality 0.75): smooth gradients with mild noise, which compresses and
     * decodes like a natural scene rather than like flat colour (too cheap) or white noise (too dear).
     */
    static byte[] syntheticJpeg(int width, int height, long seed) {
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
