package io.flinkvision.flink;

import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.sharing.ModelRegistry;
import io.flinkvision.core.model.ModelSpec;

/**
 * The production {@link PipelineFactory}: a pipeline over the runner that {@link
 * ModelRegistry#jvmWide()} shares between all slots of the TaskManager (one native session per
 * model per JVM, not one per slot), released when the pipeline is closed.
 */
public final class ModelRegistryPipelineFactory implements PipelineFactory {
    private static final long serialVersionUID = 1L;

    private final ModelSpecSource model;
    private final PipelineSettings settings;

    public ModelRegistryPipelineFactory(ModelSpec spec, PipelineSettings settings) {
        this(ModelSpecSource.of(spec), settings);
    }

    /** The model is resolved in {@link #open}, on the TaskManager. */
    public ModelRegistryPipelineFactory(ModelSpecSource model, PipelineSettings settings) {
        if (model == null || settings == null) {
            throw new IllegalArgumentException("model and settings are required");
        }
        this.model = model;
        this.settings = settings;
    }

    @Override
    public PipelineSettings settings() {
        return settings;
    }

    @Override
    public PipelineHandle open(RunnerOptions options, PipelineListener listener) throws Exception {
        ModelSpec spec = model.resolve();
        ModelRegistry.Lease lease = ModelRegistry.jvmWide().acquire(spec, options);
        try {
            ModelRunner runner = lease.runner();
            InferencePipeline pipeline = InferencePipeline.builderFor(spec, runner, settings).listener(listener).build();
            return new PipelineHandle(pipeline, runner.placement(), lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }
}
