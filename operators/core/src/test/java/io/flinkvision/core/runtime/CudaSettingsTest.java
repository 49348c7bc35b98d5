package io.flinkvision.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.runtime.CudaSettings.ArenaExtendStrategy;
import io.flinkvision.core.runtime.CudaSettings.CudnnConvAlgoSearch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CUDA provider options as ONNX Runtime spells them (its CUDA provider docs: keys and values). */
class CudaSettingsTest {

    @Test
    void everySettingBecomesItsOnnxRuntimeProviderOption() {
        CudaSettings settings = new CudaSettings(
                2L * 1024 * 1024 * 1024, ArenaExtendStrategy.SAME_AS_REQUESTED, CudnnConvAlgoSearch.HEURISTIC);

        assertThat(settings.providerOptions(3)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "device_id", "3",
                "gpu_mem_limit", "2147483648",
                "arena_extend_strategy", "kSameAsRequested",
                "cudnn_conv_algo_search", "HEURISTIC"));
    }

    @Test
    void noMemoryLimitLeavesOnnxRuntimesDefault() {
        assertThat(CudaSettings.DEFAULTS.providerOptions(0))
                .doesNotContainKey("gpu_mem_limit")
                .containsEntry("arena_extend_strategy", "kNextPowerOfTwo")
                .containsEntry("cudnn_conv_algo_search", "EXHAUSTIVE");
    }

    @Test
    void runnerOptionsThatDifferOnlyInCudaSettingsAreDifferentSessions() {
        RunnerOptions defaults = new RunnerOptions(Device.CUDA, 0, 1, false);
        RunnerOptions limited = defaults.withCuda(
                new CudaSettings(1 << 30, ArenaExtendStrategy.NEXT_POWER_OF_TWO, CudnnConvAlgoSearch.EXHAUSTIVE));

        assertThat(defaults.cuda()).isEqualTo(CudaSettings.DEFAULTS);
        assertThat(limited).isNotEqualTo(defaults);
        assertThat(limited.withCudaDeviceIndex(2).cuda()).isEqualTo(limited.cuda());
    }

    @Test
    void badSettingsSayWhatToFix() {
        assertThatThrownBy(() -> new CudaSettings(-1, ArenaExtendStrategy.NEXT_POWER_OF_TWO, CudnnConvAlgoSearch.DEFAULT))
                .hasMessageContaining("gpuMemLimitBytes must be >= 0");
        assertThatThrownBy(() -> new RunnerOptions(Device.CUDA, 0, 1, false, null))
                .hasMessageContaining("CudaSettings.DEFAULTS");
    }
}
