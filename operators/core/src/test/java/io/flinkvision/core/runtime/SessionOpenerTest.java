package io.flinkvision.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.testing.CapturedLogs;
import io.flinkvision.core.testing.TinyOnnx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device selection of {@link SessionOpener}, without a GPU: against the CPU ONNX Runtime, whose
 * missing CUDA provider is a real CUDA failure, and with stand-in attempts for what needs a GPU.
 */
class SessionOpenerTest {
    private static final RunnerOptions CUDA_OR_CPU = new RunnerOptions(Device.CUDA, 0, 1, false);
    private static final RunnerOptions CUDA_ONLY = new RunnerOptions(Device.CUDA, 0, 1, true);

    @TempDir
    Path tmp;
    private ModelSpec spec;

    @BeforeEach
    void tinyModel() throws Exception {
        spec = ModelSpec.builder()
                .modelPath(TinyOnnx.write(tmp.resolve("t.onnx"), new TinyOnnx.Spec(false, false, -1, 2, 2, 3, false)))
                .build();
    }

    private static void assumeCpuOnlyRuntime() throws OrtException {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime has the CUDA provider, so CUDA does not fail here");
    }

    @Test
    void cpuAskedForRunsOnCpuWithoutAWarning() throws Exception {
        try (CapturedLogs logs = CapturedLogs.of(SessionOpener.class);
                OpenedSession opened = SessionOpener.open(spec, RunnerOptions.cpu(1))) {
            assertThat(opened.placement()).isEqualTo(DevicePlacement.cpu());
            assertThat(opened.session().getInputNames()).containsExactly(spec.inputName());
            assertThat(logs.at(Level.WARN)).isEmpty();
        }
    }

    @Test
    void cudaThatFailsFallsBackToCpuWithOneWarning() throws Exception {
        assumeCpuOnlyRuntime();
        try (CapturedLogs logs = CapturedLogs.of(SessionOpener.class);
                OpenedSession opened = SessionOpener.open(spec, CUDA_OR_CPU)) {
            assertThat(opened.placement()).isEqualTo(DevicePlacement.fellBackFromCuda(0));
            assertThat(opened.session().getInputNames()).containsExactly(spec.inputName());
            assertThat(logs.at(Level.WARN)).singleElement().asString()
                    .contains("CUDA device 0 unavailable for model " + spec.name())
                    .contains("running on CPU instead");
        }
    }

    @Test
    void cudaThatFailsWithFailIfUnavailableIsAnError() throws Exception {
        assumeCpuOnlyRuntime();
        try (CapturedLogs logs = CapturedLogs.of(SessionOpener.class)) {
            assertThatThrownBy(() -> SessionOpener.open(spec, CUDA_ONLY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("CUDA device 0 is unavailable for model " + spec.name())
                    .hasMessageContaining("--device CPU")
                    .hasCauseInstanceOf(OrtException.class);
            assertThat(logs.at(Level.WARN)).as("no fallback was attempted").isEmpty();
        }
    }

    @Test
    void cudaThatOpensRunsOnItsDevice() {
        List<Boolean> attempts = new CopyOnWriteArrayList<>();

        SessionOpener.Placed<String> placed = SessionOpener.place(spec, CUDA_OR_CPU.withCudaDeviceIndex(3), cuda -> {
            attempts.add(cuda);
            return cuda ? "cuda session" : "cpu session";
        });

        assertThat(placed.session()).isEqualTo("cuda session");
        assertThat(placed.placement()).isEqualTo(DevicePlacement.cuda(3));
        assertThat(attempts).containsExactly(true);
    }

    @Test
    void aMissingNativeCudaLibraryFallsBackToo() {
        List<Boolean> attempts = new CopyOnWriteArrayList<>();

        SessionOpener.Placed<String> placed = SessionOpener.place(spec, CUDA_OR_CPU, cuda -> {
            attempts.add(cuda);
            if (cuda) {
                throw new UnsatisfiedLinkError("libcudart.so.12: cannot open shared object file");
            }
            return "cpu session";
        });

        assertThat(placed.placement().fellBackToCpu()).isTrue();
        assertThat(attempts).containsExactly(true, false);
    }

    @Test
    void cpuThatFailsAfterCudaFailedNamesTheModelAndKeepsBothFailures() {
        Throwable failure = catchThrowable(() -> SessionOpener.place(spec, CUDA_OR_CPU, cuda -> {
            if (cuda) {
                throw new IllegalStateException("no CUDA");
            }
            throw new OrtException("corrupt model");
        }));
        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot open model " + spec.modelPath())
                .hasMessageContaining("corrupt model");
        assertThat(failure.getCause().getSuppressed()).singleElement().satisfies(
                suppressed -> assertThat(suppressed).hasMessage("no CUDA"));
    }
}
