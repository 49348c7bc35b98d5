package io.flinkvision.flink;

import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import java.io.Serializable;

/**
 * Opens the inference pipeline of one {@link BatchingInferenceFunction} instance, with the model
 * runner behind it. Serializable: it travels with the job graph and opens on the TaskManager.
 */
public interface PipelineFactory extends Serializable {

    /** The batching settings of the pipelines it opens (the async operator is sized from them). */
    PipelineSettings settings();

    /** Whether its pipelines run a detector (the operator then reports detection metrics). */
    default boolean detects() {
        return false;
    }

    /**
     * @param options the runner options, with the CUDA device index of this slot already resolved
     * @param listener receives the pipeline's metrics callbacks
     */
    PipelineHandle open(RunnerOptions options, PipelineListener listener) throws Exception;
}
