package io.flinkvision.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.testing.TinyOnnx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every native tensor and result a run opens is closed by the end of the run, whether it succeeded or not. */
class NativeTensorCountTest {
    @TempDir
    Path tmp;

    private static List<Map<String, Tensor>> batch(String input, long[] shape, int size) {
        int length = 1;
        for (long d : shape) {
            length *= (int) d;
        }
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            samples.add(Map.of(input, Tensor.ofFloats(shape, new float[length])));
        }
        return samples;
    }

    @Test
    void openNativeValuesReturnToZeroAfterEveryRun() throws Exception {
        Path model = TinyOnnx.write(tmp.resolve("tiny.onnx"), new TinyOnnx.Spec(false, false, -1, 8, 8, 10, false));
        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            assertThat(runner.openNativeValues()).isZero();
            assertThat(runner.run(batch(spec.inputName(), new long[] {3, 8, 8}, 4))).hasSize(4);
            assertThat(runner.openNativeValues()).as("after a batch run").isZero();

            // ORT refuses the input after its tensor was created: the tensor must still be freed.
            assertThatThrownBy(() -> runner.run(batch(spec.inputName(), new long[] {3, 7, 8}, 2)))
                    .isInstanceOf(InferenceException.class).hasMessageContaining("invalid dimensions");
            assertThat(runner.openNativeValues()).as("after a failed run").isZero();

            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    runs.add(threads.submit(() -> runner.run(batch(spec.inputName(), new long[] {3, 8, 8}, 2))));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                threads.shutdown();
            }
            assertThat(runner.openNativeValues()).as("after 200 concurrent batch runs").isZero();
        }
    }
}
