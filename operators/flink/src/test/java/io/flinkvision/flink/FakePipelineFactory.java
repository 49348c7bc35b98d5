package io.flinkvision.flink;

import io.flinkvision.core.testing.FakeRunner;
import io.flinkvision.core.testing.Frames;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.RunnerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens pipelines over a {@link FakeRunner} and remembers what it was asked. State is static
 * because Flink may hand the function a serialized copy; call {@link #reset()} before each test.
 */
final class FakePipelineFactory implements PipelineFactory {
    private static final long serialVersionUID = 1L;

    static final List<RunnerOptions> OPENED_WITH = new CopyOnWriteArrayList<>();
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static volatile FakeRunner runner = new FakeRunner();
    static volatile InferencePipeline lastPipeline;

    private final PipelineSettings settings;

    FakePipelineFactory(PipelineSettings settings) {
        this.settings = settings;
    }

    static void reset() {
        OPENED_WITH.clear();
        EVENTS.clear();
        runner = new FakeRunner();
        lastPipeline = null;
    }

    @Override
    public PipelineSettings settings() {
        return settings;
    }

    @Override
    public PipelineHandle open(RunnerOptions options, PipelineListener listener) {
        OPENED_WITH.add(options);
        FakeRunner opened = runner;
        InferencePipeline pipeline = InferencePipeline.builder()
                .runner(opened)
                .preparer(Frames::sequenceSample)
                .classifier(Frames::classifyFirstValue)
                .model(Frames.MODEL)
                .settings(settings)
                .listener(listener)
                .build();
        lastPipeline = pipeline;
        DevicePlacement placement = options.device() == Device.CUDA
                ? DevicePlacement.cuda(options.cudaDeviceIndex()) : DevicePlacement.cpu();
        return new PipelineHandle(pipeline, placement, () -> {
            EVENTS.add(pipeline.isClosed() ? "resources closed after the pipeline" : "resources closed first");
            opened.close();
        });
    }
}
