package io.flinkvision.measure;

import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Times one batch size through a {@link ModelRunner} (in practice the job's {@code OnnxModelRunner}):
 * a warm-up, then {@code runsInFlight} threads each running the same batch back to back on the one
 * runner until the duration is up and at least {@code minBatches} have run. Each thread records its
 * batches' latencies in its own histogram (no locking on the timed path); they are merged at the end.
 */
public final class ModelThroughputTimer {
    private final ModelRunner runner;
    private final float[][] batch;
    private final int runsInFlight;
    private final int warmupBatches;
    private final int minBatches;
    private final Duration duration;

    private ModelThroughputTimer(Builder b) {
        this.runner = b.runner;
        this.batch = b.batch;
        this.runsInFlight = b.runsInFlight;
        this.warmupBatches = b.warmupBatches;
        this.minBatches = b.minBatches;
        this.duration = b.duration;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Rows of uniform random values in [-2, 2), like normalised pixels: inference time does not depend
     * on the values, so a model can be timed without images. The same arguments give the same rows.
     */
    public static float[][] randomBatch(int rows, int sampleLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][sampleLength];
        for (float[] row : out) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextDouble() * 4 - 2);
            }
        }
        return out;
    }

    /** Runs the warm-up, then the timed batches. */
    public ModelThroughput time() throws InferenceException {
        for (int i = 0; i < warmupBatches; i++) {
            runner.run(batch);
        }
        AtomicLong completed = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        AtomicInteger names = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(runsInFlight, r -> {
            Thread t = new Thread(r, "measure-run-" + names.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Future<Histogram>> workers = new ArrayList<>();
            for (int t = 0; t < runsInFlight; t++) {
                workers.add(callers.submit(() -> {
                    Histogram latencies = Latencies.newHistogram();
                    try {
                        while (!failed.get() && (completed.get() < minBatches || System.nanoTime() < deadline)) {
                            long t0 = System.nanoTime();
                            runner.run(batch);
                            latencies.recordValue(System.nanoTime() - t0);
                            completed.incrementAndGet();
                        }
                    } catch (InferenceException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                    return latencies;
                }));
            }
            Histogram all = Latencies.newHistogram();
            for (Future<Histogram> worker : workers) {
                all.add(join(worker));
            }
            long elapsed = System.nanoTime() - start;
            return new ModelThroughput(batch.length, runsInFlight, all.getTotalCount(), elapsed, Latencies.of(all));
        } finally {
            callers.shutdownNow();
        }
    }

    private static Histogram join(Future<Histogram> worker) throws InferenceException {
        try {
            return worker.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing the model", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InferenceException inference) {
                throw inference;
            }
            throw new IllegalStateException("timing the model failed: " + e.getCause(), e.getCause());
        }
    }

    public static final class Builder {
        private ModelRunner runner;
        private float[][] batch;
        private int runsInFlight = 1;
        private int warmupBatches = 2;
        private int minBatches = 3;
        private Duration duration;

        private Builder() {}

        /** The runner to time; it stays open (the caller owns it). */
        public Builder runner(ModelRunner runner) {
            this.runner = runner;
            return this;
        }

        /** The batch run every time; its row count is the batch size. */
        public Builder batch(float[][] batch) {
            this.batch = batch;
            return this;
        }

        /** Threads calling {@code run} concurrently (default 1: back to back, as one slot with one batch in flight). */
        public Builder runsInFlight(int runs) {
            this.runsInFlight = runs;
            return this;
        }

        /** Untimed batches first, so the session has allocated its buffers (default 2). */
        public Builder warmupBatches(int batches) {
            this.warmupBatches = batches;
            return this;
        }

        /** Batches always timed, even if they take longer than the duration (default 3). */
        public Builder minBatches(int batches) {
            this.minBatches = batches;
            return this;
        }

        /** How long to keep starting batches. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public ModelThroughputTimer build() {
            if (runner == null) {
                throw new IllegalArgumentException("runner: give the ModelRunner to time");
            }
            if (batch == null || batch.length == 0) {
                throw new IllegalArgumentException("batch: give at least one input row");
            }
            if (runsInFlight < 1) {
                throw new IllegalArgumentException("runsInFlight must be at least 1, got " + runsInFlight);
            }
            if (warmupBatches < 0) {
                throw new IllegalArgumentException("warmupBatches must be 0 or more, got " + warmupBatches);
            }
            if (minBatches < 1) {
                throw new IllegalArgumentException("minBatches must be at least 1, got " + minBatches);
            }
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("duration: give how long to time, 0 or more (0: just minBatches)");
            }
            return new ModelThroughputTimer(this);
        }
    }
}
