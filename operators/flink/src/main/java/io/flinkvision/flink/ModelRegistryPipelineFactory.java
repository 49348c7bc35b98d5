package io.flinkvision.flink;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.pipeline.RunnerFallback;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.pipeline.SecondaryClassifier;
import io.flinkvision.core.pipeline.SecondarySettings;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.sharing.ModelRegistry;

/**
 * The production {@link PipelineFactory}: a pipeline over the runner that {@link
 * ModelRegistry#jvmWide()} shares between all slots of the TaskManager (one native session per
 * model per JVM, not one per slot), released when the pipeline is closed. With a secondary
 * classifier (detect+classify) its runner is shared the same way, and released after the pipeline.
 */
public final class ModelRegistryPipelineFactory implements PipelineFactory {
    private static final long serialVersionUID = 2L;

    private final ModelSpecSource model;
    private final PipelineSettings settings;
    private final ModelTask task;
    /** Both null without a secondary classifier. */
    private final ModelSpecSource secondary;
    private final SecondarySettings secondarySettings;

    public ModelRegistryPipelineFactory(ModelSpec spec, PipelineSettings settings) {
        this(ModelSpecSource.of(spec), spec.task(), settings, null, null);
    }

    /** The model is resolved in {@link #open}, on the TaskManager; a classifier. */
    public ModelRegistryPipelineFactory(ModelSpecSource model, PipelineSettings settings) {
        this(model, ModelTask.CLASSIFICATION, settings, null, null);
    }

    /**
     * @param task what the model must be once resolved (the operator's metrics are registered before)
     * @param secondary the classifier of the detector's boxes, resolved in {@link #open}; null for none
     * @param secondarySettings which boxes it classifies; given with {@code secondary}
     */
    public ModelRegistryPipelineFactory(ModelSpecSource model, ModelTask task, PipelineSettings settings,
            ModelSpecSource secondary, SecondarySettings secondarySettings) {
        if (model == null || task == null || settings == null) {
            throw new IllegalArgumentException("model, task and settings are required");
        }
        if ((secondary == null) != (secondarySettings == null)) {
            throw new IllegalArgumentException("a secondary classifier needs its settings, and settings their classifier");
        }
        if (secondary != null && task != ModelTask.DETECTION) {
            throw new IllegalArgumentException("a secondary classifier labels detected boxes: the model must be a detector");
        }
        this.model = model;
        this.task = task;
        this.settings = settings;
        this.secondary = secondary;
        this.secondarySettings = secondarySettings;
    }

    @Override
    public PipelineSettings settings() {
        return settings;
    }

    @Override
    public boolean detects() {
        return task == ModelTask.DETECTION;
    }

    @Override
    public PipelineHandle open(RunnerOptions options, PipelineListener listener) throws Exception {
        ModelSpec spec = model.resolve();
        if (spec.task() != task) {
            throw new IllegalArgumentException("model " + spec.name() + " is a " + name(spec.task())
                    + " model, but the job runs it as a " + name(task) + " model (--task)");
        }
        ModelSpec classifierSpec = secondary == null ? null : secondary.resolve();
        if (classifierSpec != null && classifierSpec.task() != ModelTask.CLASSIFICATION) {
            throw new IllegalArgumentException("the secondary model " + classifierSpec.name() + " must be a classifier");
        }
        ModelRegistry.Lease lease = ModelRegistry.jvmWide().acquire(spec, options);
        ModelRegistry.Lease secondaryLease = null;
        try {
            ModelRunner runner = lease.runner();
            SecondaryClassifier classifier = null;
            if (classifierSpec != null) {
                secondaryLease = ModelRegistry.jvmWide().acquire(classifierSpec, options);
                classifier = new SecondaryClassifier(secondaryLease.runner(), secondarySettings);
            }
            CpuFallback fallback = runner.placement().actual() == Device.CUDA ? new CpuFallback(spec, options) : null;
            InferencePipeline pipeline = InferencePipeline.builderFor(spec, runner, settings, classifier)
                    .listener(listener).fallback(fallback).build();
            ModelRegistry.Lease second = secondaryLease;
            // Closed after the pipeline, so no run of either model is in flight then.
            AutoCloseable leases = () -> {
                try {
                    if (second != null) {
                        second.close();
                    }
                } finally {
                    try {
                        lease.close();
                    } finally {
                        if (fallback != null) {
                            fallback.close();
                        }
                    }
                }
            };
            return new PipelineHandle(pipeline, runner.placement(), leases);
        } catch (RuntimeException e) {
            if (secondaryLease != null) {
                secondaryLease.close();
            }
            lease.close();
            throw e;
        }
    }

    /**
     * The same model on the CPU, from the same JVM-wide registry, opened only when the CUDA device is
     * taken out of service, and released after the pipeline.
     */
    private static final class CpuFallback implements RunnerFallback, AutoCloseable {
        private final ModelSpec spec;
        private final RunnerOptions cpu;
        private ModelRegistry.Lease lease;

        CpuFallback(ModelSpec spec, RunnerOptions options) {
            this.spec = spec;
            this.cpu = RunnerOptions.cpu(options.intraOpThreads());
        }

        @Override
        public synchronized ModelRunner open() {
            if (lease == null) {
                lease = ModelRegistry.jvmWide().acquire(spec, cpu);
            }
            return lease.runner();
        }

        @Override
        public synchronized void close() {
            if (lease != null) {
                lease.close();
                lease = null;
            }
        }
    }

    private static String name(ModelTask task) {
        return task.name().toLowerCase(java.util.Locale.ROOT);
    }
}
