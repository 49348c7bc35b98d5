package io.flinkvision.planner;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.windows.NearestRankPercentile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures one model through {@link OnnxModelRunner}: per batch size, a warm-up, then back-to-back
 * batches for a fixed time, giving frames/s and the p99 per-batch latency.
 */
public final class Measurer {
    /** Batches always timed, even if they take longer than the measurement time. */
    static final int MIN_BATCHES = 3;
    static final int WARMUP_BATCHES = 2;

    private Measurer() {}

    /** The result of measuring one model: its points and whether CUDA fell back to CPU. */
    public record Result(List<Measurement> measurements, String device, boolean fellBackToCpu) {}

    public static Result measure(EfficientNetVariant variant, Path model, RunnerOptions options,
                                 List<Integer> batchSizes, double seconds) throws InferenceException {
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, options)) {
            int sampleLength = spec.preprocess().sampleLength();
            List<Measurement> out = new ArrayList<>();
            for (int batch : batchSizes) {
                float[][] input = randomBatch(batch, sampleLength, 17L * batch);
                for (int i = 0; i < WARMUP_BATCHES; i++) {
                    runner.run(input);
                }
                long budget = (long) (seconds * 1e9);
                long[] latencyNanos = new long[64];
                int count = 0;
                long start = System.nanoTime();
                long elapsed = 0;
                while (count < MIN_BATCHES || elapsed < budget) {
                    long t0 = System.nanoTime();
                    runner.run(input);
                    long t1 = System.nanoTime();
                    if (count == latencyNanos.length) {
                        latencyNanos = Arrays.copyOf(latencyNanos, count * 2);
                    }
                    latencyNanos[count++] = t1 - t0;
                    elapsed = t1 - start;
                }
                double fps = (double) batch * count / (elapsed / 1e9);
                double p99Millis = new NearestRankPercentile(latencyNanos, count).at(99) / 1e6;
                out.add(new Measurement(variant, batch, fps, p99Millis, count));
            }
            return new Result(out, runner.placement().device(), runner.placement().fellBackToCpu());
        }
    }

    static float[][] randomBatch(int batch, int sampleLength, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] b = new float[batch][sampleLength];
        for (float[] row : b) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (r.nextDouble() * 4 - 2);
            }
        }
        return b;
    }
}
