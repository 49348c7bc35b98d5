package io.flinkvision.flink;

import io.flinkvision.core.testing.FakeRunner;
import io.flinkvision.core.testing.Frames;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.schemas.ReasonCode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens pipelines over a {@link FakeRunner} and remembers what it was asked, and what the pipelines
 * reported to the function's metrics ({@link #REPORTED}). State is static because Flink may hand
 * the function a serialized copy; call {@link #reset()} before each test.
 */
final class FakePipelineFactory implements PipelineFactory {
    private static final long serialVersionUID = 1L;

    static final List<RunnerOptions> OPENED_WITH = new CopyOnWriteArrayList<>();
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static volatile FakeRunner runner = new FakeRunner();
    static volatile InferencePipeline lastPipeline;
    /** Every pipeline callback the metrics received, as "frameIn", "labelled" or "deadLettered:REASON". */
    static final List<String> REPORTED = new CopyOnWriteArrayList<>();

    private final PipelineSettings settings;

    FakePipelineFactory(PipelineSettings settings) {
        this.settings = settings;
    }

    static void reset() {
        OPENED_WITH.clear();
        EVENTS.clear();
        REPORTED.clear();
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
                .translator(Frames.sequenceTranslator())
                .model(Frames.MODEL)
                .settings(settings)
                .listener(new Reporting(listener))
                .build();
        lastPipeline = pipeline;
        DevicePlacement placement = options.device() == Device.CUDA
                ? DevicePlacement.cuda(options.cudaDeviceIndex()) : DevicePlacement.cpu();
        return new PipelineHandle(pipeline, placement, () -> {
            EVENTS.add(pipeline.isClosed() ? "resources closed after the pipeline" : "resources closed first");
            opened.close();
        });
    }

    static long reported(String event) {
        return REPORTED.stream().filter(event::equals).count();
    }

    /** Passes the pipeline's callbacks on to the function's metrics, noting each in {@link #REPORTED}. */
    private record Reporting(PipelineListener metrics) implements PipelineListener {
        @Override
        public void frameIn() {
            REPORTED.add("frameIn");
            metrics.frameIn();
        }

        @Override
        public void labelled() {
            REPORTED.add("labelled");
            metrics.labelled();
        }

        @Override
        public void deadLettered(ReasonCode reason) {
            REPORTED.add("deadLettered:" + reason);
            metrics.deadLettered(reason);
        }

        @Override
        public void batchRun(int size, long inferenceNanos) {
            metrics.batchRun(size, inferenceNanos);
        }
    }
}
