package io.flinkvision.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.testkit.ReferenceData;
import io.flinkvision.core.testing.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxModelRunner}: batching, concurrency, close while running, CUDA fallback, uint8/NHWC/fixed-batch models. */
class OnnxModelRunnerTest {
    private static ModelSpec b0;
    private static float[][] photos;

    @TempDir
    Path tmp;

    /** The shared B0, loaded on first use: the tests with tiny generated models need nothing shared. */
    private static ModelSpec b0() {
        if (b0 == null) {
            b0 = ModelSpec.builder().modelPath(ReferenceData.requireShared(SharedData.DEFAULT_MODEL_FILE)).build();
        }
        return b0;
    }

    private static float[][] photos() throws Exception {
        if (photos == null) {
            photos = ReferenceData.readRows(
                    ReferenceData.requireShared("reference/efficientnet_b0_seed0_bncal/photos_b14.input.f32"), 14);
        }
        return photos;
    }

    private static void assertRowsClose(float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
        }
        assertThat(maxDiff).as("max |diff|").isLessThanOrEqualTo(tolerance);
    }

    @Test
    void aBatchOfThreeEqualsThreeRunsOfOne() throws Exception {
        try (OnnxModelRunner runner = new OnnxModelRunner(b0(), RunnerOptions.cpu(1))) {
            float[][] batch = runner.run(Arrays.copyOf(photos(), 3));
            assertThat(batch).hasNumberOfRows(3);
            for (int i = 0; i < 3; i++) {
                float[][] single = runner.run(new float[][] {photos()[i]});
                assertRowsClose(batch[i], single[0], 1e-4);
            }
            assertThat(runner.placement()).isEqualTo(DevicePlacement.cpu());
            assertThat(runner.run(new float[0][])).isEmpty();
        }
    }

    @Test
    void concurrentRunsFromFourThreadsGiveTheSequentialResults() throws Exception {
        try (OnnxModelRunner runner = new OnnxModelRunner(b0(), RunnerOptions.cpu(1))) {
            float[][] expected = new float[4][];
            for (int i = 0; i < 4; i++) {
                expected[i] = runner.run(new float[][] {photos()[i]})[0];
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<float[][]>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    float[] sample = photos()[t];
                    results.add(pool.submit(() -> {
                        start.await();
                        return runner.run(new float[][] {sample, sample});
                    }));
                }
                start.countDown();
                for (int t = 0; t < 4; t++) {
                    float[][] rows = results.get(t).get(60, TimeUnit.SECONDS);
                    assertRowsClose(rows[0], expected[t], 1e-4);
                    assertRowsClose(rows[1], expected[t], 1e-4);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closeWaitsForTheRunInFlight() throws Exception {
        OnnxModelRunner runner = new OnnxModelRunner(b0(), RunnerOptions.cpu(1));
        float[][] batch = Arrays.copyOf(photos(), 8);
        CompletableFuture<float[][]> run = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(batch);
            } catch (InferenceException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (runner.runsInFlight() == 0 && !run.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(runner.runsInFlight()).as("the run has entered the runtime").isEqualTo(1);

        runner.close();

        // Had close() not waited, the session would be freed under the run: a JVM crash or an error.
        assertThat(runner.runsInFlight()).isZero();
        float[][] rows = run.get(30, TimeUnit.SECONDS);
        assertThat(rows).hasNumberOfRows(8);
        assertThat(rows[7]).hasSize(1000);
    }

    @Test
    void runAfterCloseThrowsAndCloseTwiceIsHarmless() throws Exception {
        float[] photo = photos()[0];
        OnnxModelRunner runner = new OnnxModelRunner(b0(), RunnerOptions.cpu(1));
        runner.close();
        runner.close();
        assertThatThrownBy(() -> runner.run(new float[][] {photo}))
                .isInstanceOf(InferenceException.class).hasMessageContaining("closed");
    }

    @Test
    void wrongSampleLengthIsRejected() {
        try (OnnxModelRunner runner = new OnnxModelRunner(b0(), RunnerOptions.cpu(1))) {
            assertThatThrownBy(() -> runner.run(new float[][] {new float[10]}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("150528");
        }
    }

    @Test
    void cudaOnACpuOnlyRuntimeFallsBackOrFailsAsConfigured() throws Exception {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this runtime has the CUDA provider; the fallback cannot be exercised");
        try (OnnxModelRunner runner = new OnnxModelRunner(b0(), new RunnerOptions(Device.CUDA, 0, 1, false))) {
            assertThat(runner.placement()).isEqualTo(DevicePlacement.fellBackFromCuda(0));
            assertThat(runner.placement().fellBackToCpu()).isTrue();
            assertThat(runner.placement().device()).isEqualTo("cpu");
            assertThat(runner.run(new float[][] {photos()[0]})[0]).hasSize(1000);
        }
        assertThatThrownBy(() -> new OnnxModelRunner(b0(), new RunnerOptions(Device.CUDA, 0, 1, true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CUDA device 0");
    }

    @Test
    void uint8NhwcModelWithFixedBatchOneRunsSampleBySample() throws Exception {
        Path model = TinyOnnx.write(tmp.resolve("u8.onnx"), new TinyOnnx.Spec(true, true, 1, 2, 2, 5, true));
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        // NHWC 2x2: pixel-major RGB triples; out-of-range and fractional values are clamped and rounded.
        float[][] batch = {
            {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110},
            {-5, 300, 12.6f, 255, 255, 255, 0, 0, 0, 1.4f, 1.5f, 254.6f},
            {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7},
        };
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            float[][] out = runner.run(batch);
            assertThat(out).hasNumberOfRows(3);
            for (int i = 0; i < 3; i++) {
                assertRowsClose(out[i], expectedTinyScores(batch[i], true, 5), 1e-4);
            }
        }
    }

    @Test
    void fixedBatchTwoModelPadsTheLastChunk() throws Exception {
        Path model = TinyOnnx.write(tmp.resolve("b2.onnx"), new TinyOnnx.Spec(false, false, 2, 2, 2, 4, false));
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        float[][] batch = new float[3][12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 12; j++) {
                batch[i][j] = (i + 1) * 0.5f - j * 0.125f;
            }
        }
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            float[][] out = runner.run(batch);
            assertThat(out).hasNumberOfRows(3);
            for (int i = 0; i < 3; i++) {
                assertRowsClose(out[i], expectedTinyScores(batch[i], false, 4), 1e-5);
            }
        }
    }

    @Test
    void refusesAModelFileThatChangedSinceTheSpecWasBuilt() throws Exception {
        Path model = TinyOnnx.write(tmp.resolve("m.onnx"), new TinyOnnx.Spec(false, false, -1, 2, 2, 4, false));
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        TinyOnnx.write(model, new TinyOnnx.Spec(false, false, -1, 2, 2, 5, false));
        assertThatThrownBy(() -> new OnnxModelRunner(spec, RunnerOptions.cpu(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(spec.sha256());
        Files.delete(model);
        assertThatThrownBy(() -> new OnnxModelRunner(spec, RunnerOptions.cpu(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not found");
    }

    /** The tiny model by hand: per-channel spatial mean (of rounded, clamped pixels for uint8) times the weights. */
    private static float[] expectedTinyScores(float[] sample, boolean uint8Nhwc, int classes) {
        double[] means = new double[3];
        int pixels = sample.length / 3;
        for (int p = 0; p < pixels; p++) {
            for (int k = 0; k < 3; k++) {
                float v = uint8Nhwc ? sample[p * 3 + k] : sample[k * pixels + p];
                means[k] += (uint8Nhwc ? Math.round(Math.min(255f, Math.max(0f, v))) : v) / (double) pixels;
            }
        }
        float[] out = new float[classes];
        for (int c = 0; c < classes; c++) {
            for (int k = 0; k < 3; k++) {
                out[c] += (float) (means[k] * TinyOnnx.weight(k, c));
            }
        }
        return out;
    }
}
