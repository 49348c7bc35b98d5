package io.flinkvision.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a {@link DevicePlacement} says about where a model runs, and which placements cannot be. */
class DevicePlacementTest {

    @Test
    void cpuAskedForAndGot() {
        DevicePlacement cpu = DevicePlacement.cpu();

        assertThat(cpu.requested()).isEqualTo(Device.CPU);
        assertThat(cpu.actual()).isEqualTo(Device.CPU);
        assertThat(cpu.fellBackToCpu()).isFalse();
        assertThat(cpu.device()).isEqualTo("cpu");
        assertThat(cpu).hasToString("cpu");
    }

    @Test
    void cudaAskedForAndGot() {
        DevicePlacement cuda = DevicePlacement.cuda(2);

        assertThat(cuda.fellBackToCpu()).isFalse();
        assertThat(cuda.device()).isEqualTo("cuda:2");
        assertThat(cuda.cudaDeviceIndex()).isEqualTo(2);
        assertThat(cuda).hasToString("cuda:2");
    }

    @Test
    void cudaAskedForAndCpuGotIsAFallBack() {
        DevicePlacement fellBack = DevicePlacement.fellBackFromCuda(1);

        assertThat(fellBack.fellBackToCpu()).isTrue();
        assertThat(fellBack.actual()).isEqualTo(Device.CPU);
        assertThat(fellBack.device()).isEqualTo("cpu");
        assertThat(fellBack.cudaDeviceIndex()).isEqualTo(1);
        assertThat(fellBack.toString()).contains("cpu").contains("cuda:1");
    }

    @Test
    void refusesPlacementsThatCannotHappen() {
        assertThatThrownBy(() -> new DevicePlacement(Device.CPU, Device.CUDA, 0))
                .hasMessageContaining("asked for CPU cannot run on CUDA");
        assertThatThrownBy(() -> new DevicePlacement(Device.CUDA, Device.CUDA, -1))
                .hasMessageContaining("cudaDeviceIndex must be >= 0");
        assertThatThrownBy(() -> new DevicePlacement(Device.CPU, Device.CPU, 0))
                .hasMessageContaining("else -1");
        assertThatThrownBy(() -> new DevicePlacement(null, Device.CPU, -1)).hasMessageContaining("required");
    }
}
