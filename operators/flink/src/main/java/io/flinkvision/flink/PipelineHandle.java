package io.flinkvision.flink;

import io.flinkvision.core.pipeline.InferencePipeline;
import java.util.function.BooleanSupplier;

/**
 * An opened {@link InferencePipeline} with what it runs on. {@link #close()} closes the pipeline
 * first and the resources (runner, lease) after: a runner closed under a batch in flight crashes
 * the JVM.
 */
public final class PipelineHandle implements AutoCloseable {
    private final InferencePipeline pipeline;
    private final String device;
    private final BooleanSupplier fellBackToCpu;
    private final AutoCloseable resources;

    /**
     * @param device where the runner runs: "cpu" or "cuda:N"
     * @param fellBackToCpu whether CUDA was asked for and the runner runs on the CPU instead
     * @param resources closed after the pipeline, e.g. the model lease
     */
    public PipelineHandle(InferencePipeline pipeline, String device, BooleanSupplier fellBackToCpu,
            AutoCloseable resources) {
        if (pipeline == null || device == null || fellBackToCpu == null || resources == null) {
            throw new IllegalArgumentException("pipeline, device, fellBackToCpu and resources are all required");
        }
        this.pipeline = pipeline;
        this.device = device;
        this.fellBackToCpu = fellBackToCpu;
        this.resources = resources;
    }

    public InferencePipeline pipeline() {
        return pipeline;
    }

    public String device() {
        return device;
    }

    public BooleanSupplier fellBackToCpu() {
        return fellBackToCpu;
    }

    @Override
    public void close() throws Exception {
        try {
            pipeline.close();
        } finally {
            resources.close();
        }
    }
}
