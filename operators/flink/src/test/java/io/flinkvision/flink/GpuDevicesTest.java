package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.runtime.CudaSettings;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

/** How {@link GpuDevices} spreads the inference subtasks of one TaskManager over its GPUs, without a GPU. */
class GpuDevicesTest {
    private static final RunnerOptions CUDA_7 = new RunnerOptions(Device.CUDA, 7, 1, false);
    /** What Flink's GPU driver gives every slot of a TaskManager with two GPUs. */
    private static final List<ExternalResourceInfo> TWO_GPUS = List.of(gpu("1"), gpu("0"));

    private final GpuDevices devices = new GpuDevices();

    @Test
    void subtasksOfOneTaskManagerSpreadOverItsGpus() {
        List<Integer> chosen = new ArrayList<>();
        for (int subtask = 0; subtask < 4; subtask++) {
            chosen.add(devices.assign(CUDA_7, TWO_GPUS).options().cudaDeviceIndex());
        }

        assertThat(chosen).containsExactly(0, 1, 0, 1);
        assertThat(devices.subtasksByDevice()).isEqualTo(Map.of(0, 2, 1, 2));
    }

    @Test
    void aClosedSubtaskFreesItsGpuForTheNextOne() {
        GpuDevices.Assignment first = devices.assign(CUDA_7, TWO_GPUS);
        GpuDevices.Assignment second = devices.assign(CUDA_7, TWO_GPUS);
        assertThat(second.options().cudaDeviceIndex()).isEqualTo(1);

        second.close();
        second.close(); // a second close must not free another subtask's claim

        assertThat(devices.subtasksByDevice()).isEqualTo(Map.of(0, 1));
        assertThat(devices.assign(CUDA_7, TWO_GPUS).options().cudaDeviceIndex()).isEqualTo(1);
        first.close();
        assertThat(devices.subtasksByDevice()).isEqualTo(Map.of(1, 1));
    }

    @Test
    void onlyTheDeviceIndexChanges() {
        RunnerOptions configured = CUDA_7.withCuda(new CudaSettings(1L << 30,
                CudaSettings.ArenaExtendStrategy.SAME_AS_REQUESTED,
                CudaSettings.CudnnConvAlgoSearch.HEURISTIC));

        RunnerOptions assigned = devices.assign(configured, List.of(gpu("2"))).options();

        assertThat(assigned).isEqualTo(configured.withCudaDeviceIndex(2));
    }

    @Test
    void withoutTheResourceOrOnCpuTheConfiguredOptionsStandAndNothingIsClaimed() {
        assertThat(devices.assign(CUDA_7, List.of()).options()).isEqualTo(CUDA_7);
        assertThat(devices.assign(CUDA_7, null).options()).isEqualTo(CUDA_7);
        RunnerOptions cpu = RunnerOptions.cpu(2);
        assertThat(devices.assign(cpu, TWO_GPUS).options()).isSameAs(cpu);

        assertThat(devices.subtasksByDevice()).isEmpty();
    }

    @Test
    void gpusWithoutANumericIndexAreSkipped() {
        assertThat(GpuDevices.indices(List.of(gpu("x"), gpu(" 3 "), gpu("-1"), gpu("3"), noIndex(), gpu("1"))))
                .containsExactly(1, 3);
        assertThat(devices.assign(CUDA_7, List.of(gpu("GPU-5f1c"), noIndex())).options())
                .as("none usable: the configured --cuda-device")
                .isEqualTo(CUDA_7);
    }

    static ExternalResourceInfo gpu(String index) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return "index".equals(key) ? Optional.of(index) : Optional.empty();
            }

            @Override
            public Collection<String> getKeys() {
                return Set.of("index");
            }
        };
    }

    private static ExternalResourceInfo noIndex() {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.empty();
            }

            @Override
            public Collection<String> getKeys() {
                return Set.of();
            }
        };
    }
}
