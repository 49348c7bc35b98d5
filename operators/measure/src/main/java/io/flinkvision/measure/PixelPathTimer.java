package io.flinkvision.measure;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.schemas.FrameEncoding;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Times what a job slot spends on each frame before the model: the job's own {@link ImageDecoder} on a
 * JPEG, then its {@link ImagePreprocessor} into a model input, one frame after another on the calling
 * thread. It counts the CPU time of that thread, not wall time, so other load on the machine (other
 * builds, other slots) does not inflate the figure, and the result reads as core-milliseconds.
 */
public final class PixelPathTimer {
    private final List<byte[]> jpegs;
    private final PreprocessSpec preprocess;
    private final long maxPixels;
    private final int warmupFrames;
    private final int timedFrames;

    private PixelPathTimer(Builder b) {
        this.jpegs = b.jpegs;
        this.preprocess = b.preprocess;
        this.maxPixels = b.maxPixels;
        this.warmupFrames = b.warmupFrames;
        this.timedFrames = b.timedFrames;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decodes and preprocesses the frames in turn (cycling through them) for the warm-up, then for the
     * timed frames, recording each timed frame's CPU time.
     *
     * @throws IllegalArgumentException if the decoder rejects one of the frames
     */
    public PixelPathCost time() {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        ImageDecoder decoder = new ImageDecoder(maxPixels);
        ImagePreprocessor preprocessor = new ImagePreprocessor(preprocess);
        float[] sample = new float[preprocess.sampleLength()];
        Histogram decode = Latencies.newHistogram();
        Histogram prepare = Latencies.newHistogram();
        Histogram total = Latencies.newHistogram();
        for (int i = 0; i < warmupFrames + timedFrames; i++) {
            int index = i % jpegs.size();
            long t0 = cpu.getCurrentThreadCpuTime();
            RgbImage image = decode(decoder, index);
            long t1 = cpu.getCurrentThreadCpuTime();
            preprocessor.preprocessInto(image, sample, 0);
            long t2 = cpu.getCurrentThreadCpuTime();
            if (i >= warmupFrames) {
                decode.recordValue(t1 - t0);
                prepare.recordValue(t2 - t1);
                total.recordValue(t2 - t0);
            }
        }
        return new PixelPathCost(Latencies.of(decode), Latencies.of(prepare), Latencies.of(total));
    }

    private RgbImage decode(ImageDecoder decoder, int index) {
        try {
            // Declared size 0x0 ("unknown"): the JPEG header's size counts, as for a camera that sends none.
            return decoder.decode(FrameEncoding.JPEG, 0, 0, jpegs.get(index));
        } catch (FrameRejectedException e) {
            throw new IllegalArgumentException("frame " + index + " is not a JPEG the job accepts: "
                    + e.getMessage(), e);
        }
    }

    public static final class Builder {
        private List<byte[]> jpegs;
        private PreprocessSpec preprocess;
        private long maxPixels = PipelineSettings.defaults().maxPixels();
        private int warmupFrames = 100;
        private int timedFrames = 200;

        private Builder() {}

        /** The JPEG frames to decode, in turn; camera-sized, since decoding cost grows with the pixels. */
        public Builder jpegs(List<byte[]> jpegs) {
            this.jpegs = jpegs == null ? null : List.copyOf(jpegs);
            return this;
        }

        /** The model's preprocessing (resize, crop, normalise, layout). */
        public Builder preprocess(PreprocessSpec spec) {
            this.preprocess = spec;
            return this;
        }

        /** The decoder's pixel limit (default: the job's max-pixels default). */
        public Builder maxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        /** Frames run before timing starts, so the JIT has compiled the path (default 100). */
        public Builder warmupFrames(int frames) {
            this.warmupFrames = frames;
            return this;
        }

        /** Frames timed (default 200). */
        public Builder timedFrames(int frames) {
            this.timedFrames = frames;
            return this;
        }

        public PixelPathTimer build() {
            if (jpegs == null || jpegs.isEmpty()) {
                throw new IllegalArgumentException("jpegs: give at least one JPEG frame to decode");
            }
            if (preprocess == null) {
                throw new IllegalArgumentException("preprocess: give the model's PreprocessSpec");
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
            }
            if (warmupFrames < 0) {
                throw new IllegalArgumentException("warmupFrames must be 0 or more, got " + warmupFrames);
            }
            if (timedFrames < 1) {
                throw new IllegalArgumentException("timedFrames must be at least 1, got " + timedFrames);
            }
            if (!ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported()) {
                throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
            }
            return new PixelPathTimer(this);
        }
    }
}
