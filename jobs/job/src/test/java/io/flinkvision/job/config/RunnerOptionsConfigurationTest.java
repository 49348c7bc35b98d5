package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.runtime.CudaSettings;
import io.flinkvision.core.runtime.CudaSettings.ArenaExtendStrategy;
import io.flinkvision.core.runtime.CudaSettings.CudnnConvAlgoSearch;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.RunnerOptions;
import org.junit.jupiter.api.Test;

/** The inference flags reach the runner options, CUDA provider settings included. */
class RunnerOptionsConfigurationTest {

    private static RunnerOptions parse(String... args) {
        return ModelConfiguration.runnerOptions(JobArguments.parse(args, ClassificationJobOptions.class).configuration());
    }

    @Test
    void cudaFlagsBecomeTheRunnersCudaSettings() {
        RunnerOptions options = parse("--device", "CUDA", "--cuda-device", "2", "--fail-if-cuda-unavailable",
                "--cuda-memory-limit", "3gb", "--cuda-arena-extend-strategy", "SAME_AS_REQUESTED",
                "--cudnn-conv-algo-search", "HEURISTIC");

        assertThat(options).isEqualTo(new RunnerOptions(Device.CUDA, 2, 1, true, new CudaSettings(
                3L * 1024 * 1024 * 1024, ArenaExtendStrategy.SAME_AS_REQUESTED, CudnnConvAlgoSearch.HEURISTIC)));
    }

    @Test
    void withoutCudaFlagsOnnxRuntimesDefaultsStand() {
        assertThat(parse("--device", "CUDA").cuda()).isEqualTo(CudaSettings.DEFAULTS);
        assertThat(parse().device()).isEqualTo(Device.CPU);
    }

    @Test
    void aBadCudaValueFailsWithItsFlag() {
        assertThatThrownBy(() -> parse("--cudnn-conv-algo-search", "FASTEST"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--cudnn-conv-algo-search");
    }
}
