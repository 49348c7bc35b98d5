package io.flinkvision.core.pipeline;

import io.flinkvision.core.runtime.ModelRunner;

import io.flinkvision.core.batching.FlushScheduler;
import io.flinkvision.schemas.ModelIdentity;
import java.time.Clock;
import java.util.function.LongSupplier;

/** Wires an {@link InferencePipeline}; {@link #build()} says what is missing. */
public final class InferencePipelineBuilder {
    ModelRunner runner;
    FrameTranslator translator;
    ModelIdentity model;
    PipelineSettings settings;
    PipelineListener listener = PipelineListener.NONE;
    Clock wallClock = Clock.systemUTC();
    LongSupplier nanoClock = System::nanoTime;
    FlushScheduler flushScheduler;
    RunnerFallback fallback;

    InferencePipelineBuilder() {}

    public InferencePipelineBuilder runner(ModelRunner runner) {
        this.runner = runner;
        return this;
    }

    /** What the task does around the model: prepare a frame, decode its outputs. */
    public InferencePipelineBuilder translator(FrameTranslator translator) {
        this.translator = translator;
        return this;
    }

    /** The model named in every labelled frame. */
    public InferencePipelineBuilder model(ModelIdentity model) {
        this.model = model;
        return this;
    }

    public InferencePipelineBuilder settings(PipelineSettings settings) {
        this.settings = settings;
        return this;
    }

    /** Default: {@link PipelineListener#NONE}. */
    public InferencePipelineBuilder listener(PipelineListener listener) {
        this.listener = listener;
        return this;
    }

    /** Wall clock of labelledTime and failedTime. Default: system UTC. */
    public InferencePipelineBuilder wallClock(Clock wallClock) {
        this.wallClock = wallClock;
        return this;
    }

    /** Monotonic nanoseconds for batching and timings. Default: {@code System::nanoTime}. */
    public InferencePipelineBuilder nanoClock(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        return this;
    }

    /** Scheduler of the batch-wait timer. Default: a timer thread owned by the pipeline. */
    public InferencePipelineBuilder flushScheduler(FlushScheduler flushScheduler) {
        this.flushScheduler = flushScheduler;
        return this;
    }

    /**
     * Where batches go when the runner's CUDA device is taken out of service (see {@link RetryPolicy});
     * default: none, batches stay on the runner. The caller closes what it opens, after the pipeline.
     */
    public InferencePipelineBuilder fallback(RunnerFallback fallback) {
        this.fallback = fallback;
        return this;
    }

    /** @throws IllegalStateException naming the first missing part */
    public InferencePipeline build() {
        require(runner, "runner (the ModelRunner that runs batches)");
        require(translator, "translator (prepare + decode of the task, e.g. ClassificationTranslator)");
        require(model, "model (the ModelIdentity written into every labelled frame)");
        require(settings, "settings (PipelineSettings)");
        require(listener, "listener (PipelineListener.NONE for none)");
        require(wallClock, "wallClock");
        require(nanoClock, "nanoClock");
        return new InferencePipeline(this);
    }

    private static void require(Object value, String what) {
        if (value == null) {
            throw new IllegalStateException("the inference pipeline needs a " + what);
        }
    }
}
