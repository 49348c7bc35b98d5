package io.flinkvision.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.core.testing.TinyOnnx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the timer counts and records, with a scripted runner; and that it drives the real ONNX runner. */
class ModelThroughputTimerTest {
    @TempDir
    Path tmp;

    /** Counts calls and concurrency; each run sleeps {@code sleepMillis}; the first {@code gateRuns} wait for each other. */
    private static final class ScriptedRunner implements ModelRunner {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final long sleepMillis;
        final CountDownLatch gate;
        final int failOnCall;

        ScriptedRunner(long sleepMillis, int gateRuns, int failOnCall) {
            this.sleepMillis = sleepMillis;
            this.gate = new CountDownLatch(gateRuns);
            this.failOnCall = failOnCall;
        }

        @Override
        public float[][] run(float[][] batch) throws InferenceException {
            int call = calls.incrementAndGet();
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (call == failOnCall) {
                    throw new InferenceException("scripted failure on call " + call);
                }
                gate.countDown();
                gate.await(10, TimeUnit.SECONDS);
                Thread.sleep(sleepMillis);
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InferenceException("interrupted", e);
            } finally {
                running.decrementAndGet();
            }
        }

        /** The timer drives the float-row entry point; this one must not be reached. */
        @Override
        public List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) {
            throw new UnsupportedOperationException("the timer runs float rows");
        }

        @Override
        public ModelSpec spec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DevicePlacement placement() {
            return DevicePlacement.cpu();
        }

        @Override
        public void close() {}
    }

    @Test
    void withNoTimeLeftItTimesExactlyTheMinimumAfterTheWarmUp() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(3, 0, -1);

        ModelThroughput t = ModelThroughputTimer.builder().runner(runner).batch(new float[4][2])
                .warmupBatches(2).minBatches(5).duration(Duration.ZERO).build().time();

        assertThat(runner.calls).hasValue(2 + 5);
        assertThat(t.batches()).isEqualTo(5);
        assertThat(t.frames()).isEqualTo(20);
        assertThat(t.batchSize()).isEqualTo(4);
        assertThat(t.batchLatency().count()).isEqualTo(5);
        // Every run sleeps at least 3 ms, so no recorded latency may be shorter (less 0.1% precision).
        assertThat(t.batchLatency().percentileMillis(1)).isGreaterThanOrEqualTo(3 * 0.999);
        // Five batches of four frames, each at least 3 ms, back to back: at most 20 / 0.015 s.
        assertThat(t.framesPerSecond()).isPositive().isLessThanOrEqualTo(20 / 0.015);
    }

    @Test
    void keepsTheAskedNumberOfRunsInFlightUntilTheDurationIsUp() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(2, 3, -1);

        ModelThroughput t = ModelThroughputTimer.builder().runner(runner).batch(new float[2][2]).runsInFlight(3)
                .warmupBatches(0).duration(Duration.ofMillis(150)).build().time();

        assertThat(runner.maxRunning).as("the first three runs met at the gate").hasValue(3);
        assertThat(t.runsInFlight()).isEqualTo(3);
        assertThat(t.batches()).isEqualTo(runner.calls.get()).isEqualTo(t.batchLatency().count());
        assertThat(t.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
    }

    @Test
    void aFailingRunFailsTheMeasurementWithItsOwnError() {
        ScriptedRunner runner = new ScriptedRunner(1, 0, 4);

        assertThatThrownBy(() -> ModelThroughputTimer.builder().runner(runner).batch(new float[1][1])
                .runsInFlight(2).duration(Duration.ofSeconds(30)).build().time())
                .isInstanceOf(InferenceException.class).hasMessage("scripted failure on call 4");
    }

    @Test
    void theBuilderSaysWhatIsMissing() {
        assertThatThrownBy(() -> ModelThroughputTimer.builder().batch(new float[1][1]).duration(Duration.ZERO).build())
                .hasMessageContaining("runner: give the ModelRunner");
        ScriptedRunner runner = new ScriptedRunner(0, 0, -1);
        assertThatThrownBy(() -> ModelThroughputTimer.builder().runner(runner).batch(new float[0][]).build())
                .hasMessageContaining("batch: give at least one input row");
        assertThatThrownBy(() -> ModelThroughputTimer.builder().runner(runner).batch(new float[1][1])
                .runsInFlight(0).duration(Duration.ZERO).build()).hasMessageContaining("runsInFlight must be at least 1");
        assertThatThrownBy(() -> ModelThroughputTimer.builder().runner(runner).batch(new float[1][1]).build())
                .hasMessageContaining("duration");
    }

    @Test
    void randomBatchesAreRepeatableAndInRange() {
        float[][] a = ModelThroughputTimer.randomBatch(3, 50, 17);

        assertThat(a).hasDimensions(3, 50);
        assertThat(ModelThroughputTimer.randomBatch(3, 50, 17)).isDeepEqualTo(a);
        assertThat(java.util.Arrays.deepEquals(ModelThroughputTimer.randomBatch(3, 50, 18), a)).isFalse();
        for (float[] row : a) {
            for (float v : row) {
                assertThat(v).isBetween(-2f, 2f);
            }
        }
    }

    @Test
    void timesTheRealOnnxRunnerWithTwoRunsInFlight() throws Exception {
        Path model = TinyOnnx.write(tmp.resolve("tiny.onnx"), new TinyOnnx.Spec(false, false, -1, 8, 8, 10, false));
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            float[][] batch = ModelThroughputTimer.randomBatch(4, spec.preprocess().sampleLength(), 1);

            ModelThroughput t = ModelThroughputTimer.builder().runner(runner).batch(batch).runsInFlight(2)
                    .duration(Duration.ofMillis(200)).build().time();

            assertThat(t.batches()).isGreaterThanOrEqualTo(3).isEqualTo(t.batchLatency().count());
            assertThat(t.framesPerSecond()).isPositive();
            assertThat(t.runsInFlight()).isEqualTo(2);
        }
    }
}
