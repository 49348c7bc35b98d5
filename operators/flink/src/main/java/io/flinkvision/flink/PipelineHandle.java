package io.flinkvision.flink;

import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.runtime.DevicePlacement;

/**
 * An opened {@link InferencePipeline} with what it runs on. {@link #close()} closes the pipeline
 * first and the resources (runner, lease) after: a runner closed under a batch in flight crashes
 * the JVM.
 */
public final class PipelineHandle implements AutoCloseable {
    private final InferencePipeline pipeline;
    private final DevicePlacement placement;
    private final AutoCloseable resources;

    /**
     * @param placement where the runner runs, asked for and got
     * @param resources closed after the pipeline, e.g. the model lease
     */
    public PipelineHandle(InferencePipeline pipeline, DevicePlacement placement, AutoCloseable resources) {
        if (pipeline == null || placement == null || resources == null) {
            throw new IllegalArgumentException("pipeline, placement and resources are all required");
        }
        this.pipeline = pipeline;
        this.placement = placement;
        this.resources = resources;
    }

    public InferencePipeline pipeline() {
        return pipeline;
    }

    public DevicePlacement placement() {
        return placement;
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
