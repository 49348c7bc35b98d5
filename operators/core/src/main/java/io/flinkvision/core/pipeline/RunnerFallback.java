package io.flinkvision.core.pipeline;

import io.flinkvision.core.runtime.ModelRunner;

/**
 * Opens the runner a pipeline switches to when its runner's device is taken out of service (for a
 * CUDA runner: the same model on the CPU). Whoever provides it owns what it opens and closes that
 * after the pipeline.
 */
@FunctionalInterface
public interface RunnerFallback {
    /** @throws RuntimeException when it cannot be opened: the pipeline then stays on the failing device */
    ModelRunner open();
}
