package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.CudaSettings;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.testing.TinyOnnx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device CUDA} on a machine without a usable CUDA runtime, through the production path: the
 * GPU Flink assigned, the CUDA provider options, the JVM-wide model registry and the real ONNX
 * Runtime (the CPU artifact, whose missing CUDA provider is a real CUDA failure). On a machine
 * where CUDA does open, the tests are skipped: they are about its absence.
 */
class CudaFallbackTest {
    private static final CudaSettings TIGHT = new CudaSettings(
            256L << 20, CudaSettings.ArenaExtendStrategy.SAME_AS_REQUESTED, CudaSettings.CudnnConvAlgoSearch.HEURISTIC);

    @TempDir
    Path tmp;
    private ModelRegistryPipelineFactory factory;
    private final GpuDevices devices = new GpuDevices();

    @BeforeEach
    void tinyModel() {
        ModelSpec spec = ModelSpec.builder()
                .modelPath(TinyOnnx.write(tmp.resolve("t.onnx"), new TinyOnnx.Spec(false, false, -1, 2, 2, 3, false)))
                .build();
        factory = new ModelRegistryPipelineFactory(spec, new PipelineSettings(2, 1, 1, 1, 1_000_000));
    }

    @Test
    void cudaUnavailableFallsBackToCpuAndTheMetricsSaySo() throws Exception {
        RunnerOptions configured = new RunnerOptions(Device.CUDA, 0, 1, false).withCuda(TIGHT);
        RecordingMetricGroup group = new RecordingMetricGroup();
        InferenceMetrics metrics = new InferenceMetrics(group);

        try (GpuDevices.Assignment gpu = devices.assign(configured, List.of(GpuDevicesTest.gpu("1")));
                PipelineHandle handle = factory.open(gpu.options(), metrics)) {
            assumeTrue(handle.placement().fellBackToCpu(), "CUDA opened on this machine");
            metrics.reportDevice(handle.placement());

            assertThat(handle.placement()).isEqualTo(DevicePlacement.fellBackFromCuda(1));
            assertThat(group.gaugeValue("device")).isEqualTo("cpu");
            assertThat(group.gaugeValue("fellBackToCpu")).isEqualTo(1);
            assertThat(handle.pipeline().isClosed()).isFalse();
        }
    }

    @Test
    void cudaUnavailableWithFailIfUnavailableFailsTheOpenNamingTheDevice() {
        RunnerOptions configured = new RunnerOptions(Device.CUDA, 0, 1, true).withCuda(TIGHT);

        Throwable failure;
        try (GpuDevices.Assignment gpu = devices.assign(configured, List.of(GpuDevicesTest.gpu("1")))) {
            failure = catchThrowable(() -> factory.open(gpu.options(), new InferenceMetrics(new RecordingMetricGroup()))
                    .close());
        }
        assumeTrue(failure != null, "CUDA opened on this machine");

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CUDA device 1 is unavailable")
                .hasMessageContaining("--device CPU");
        assertThat(devices.subtasksByDevice()).as("the claim was released").isEmpty();
    }
}
