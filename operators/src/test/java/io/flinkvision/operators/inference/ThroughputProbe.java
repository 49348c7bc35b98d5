package io.flinkvision.operators.inference;

import io.flinkvision.operators.SharedData;
import io.flinkvision.operators.model.ModelSpec;
import io.flinkvision.operators.testing.ReferenceData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput probe (a main, not a timed test): EfficientNet-B0 (bncal) frames/s at batch 1/2/4/8 for
 * (a) one runner with 2 intra-op threads driven by one thread, and (b) two runners with 1 intra-op
 * thread each, driven by one thread per runner. Run with {@code java -Xss8m -cp ... ThroughputProbe [seconds]}.
 */
public final class ThroughputProbe {
    private ThroughputProbe() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        Path model = SharedData.defaultModel();
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        float[][] photos = ReferenceData.readRows(
                SharedData.models().resolve("reference/efficientnet_b0_seed0_bncal/photos_b14.input.f32"), 14);
        System.out.printf(Locale.ROOT, "model %s, %d cores, %.0f s per point, load average %.2f%n", spec.name(),
                Runtime.getRuntime().availableProcessors(), seconds,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int batchSize : new int[] {1, 2, 4, 8}) {
            float[][] batch = new float[batchSize][];
            for (int i = 0; i < batchSize; i++) {
                batch[i] = photos[i % photos.length];
            }
            double oneRunner;
            try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(2))) {
                oneRunner = framesPerSecond(List.of(runner), batch, seconds);
            }
            double twoRunners;
            try (OnnxModelRunner a = new OnnxModelRunner(spec, RunnerOptions.cpu(1));
                    OnnxModelRunner b = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
                twoRunners = framesPerSecond(List.of(a, b), batch, seconds);
            }
            System.out.printf(Locale.ROOT, "batch %d: (a) 1 runner x 2 threads %6.1f frames/s | "
                    + "(b) 2 runners x 1 thread %6.1f frames/s%n", batchSize, oneRunner, twoRunners);
        }
    }

    /** One driver thread per runner; two warm-up runs each, then counts frames for the given time. */
    private static double framesPerSecond(List<OnnxModelRunner> runners, float[][] batch, double seconds)
            throws Exception {
        for (OnnxModelRunner runner : runners) {
            runner.run(batch);
            runner.run(batch);
        }
        ExecutorService pool = Executors.newFixedThreadPool(runners.size());
        try {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Future<Long>> frames = new ArrayList<>();
            for (OnnxModelRunner runner : runners) {
                Callable<Long> drive = () -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        n += runner.run(batch).length;
                    }
                    return n;
                };
                frames.add(pool.submit(drive));
            }
            long total = 0;
            for (Future<Long> f : frames) {
                total += f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
