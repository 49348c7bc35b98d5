package io.flinkvision.flink;

import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.pipeline.SecondarySettings;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels frames asynchronously through a batching {@code InferencePipeline}: each input record
 * yields exactly one {@link FrameOutcome}, a labelled frame or a dead letter. Nothing is ever
 * completed exceptionally, so bad frames, failed batches and timeouts never fail the job. The
 * pipeline builds and counts every outcome, timeouts included, so that the framesIn metric is
 * always framesLabelled + framesDeadLettered once the frames in flight are out.
 */
public class BatchingInferenceFunction extends RichAsyncFunction<FrameEnvelope, FrameOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchingInferenceFunction.class);

    static final String TIMEOUT_MESSAGE =
            "not labelled within the async timeout (async-timeout); batches may be too slow for the input rate";

    private final RunnerOptions options;
    private final PipelineFactory factory;

    private transient PipelineHandle handle;
    /** This subtask's claim on a GPU of the TaskManager (a no-op on CPU); released after the pipeline. */
    private transient GpuDevices.Assignment gpu;
    /**
     * The pipeline's future of each record in flight, by the operator's result future, so that
     * {@link #timeout} can expire it. Identity keys: the operator hands the same result future to
     * asyncInvoke and timeout, and one record may equal another.
     */
    private transient Map<ResultFuture<FrameOutcome>, CompletableFuture<FrameOutcome>> inFlight;

    /** Production: the model's runner shared by the TaskManager's slots via {@code ModelRegistry.jvmWide()}. */
    public BatchingInferenceFunction(ModelSpec spec, RunnerOptions options, PipelineSettings settings) {
        this(options, new ModelRegistryPipelineFactory(spec, settings));
    }

    /** Production on a cluster: the model is resolved in {@link #open}, on the TaskManager. */
    public BatchingInferenceFunction(ModelSpecSource model, RunnerOptions options, PipelineSettings settings) {
        this(options, new ModelRegistryPipelineFactory(model, settings));
    }

    /**
     * Production on a cluster, any task: the model (a {@code task} model) and, for detect+classify,
     * the classifier of its boxes are resolved in {@link #open} and shared by the TaskManager's slots.
     *
     * @param secondary null for none; then {@code secondarySettings} is null too
     */
    public BatchingInferenceFunction(ModelSpecSource model, ModelTask task, ModelSpecSource secondary,
            SecondarySettings secondarySettings, RunnerOptions options, PipelineSettings settings) {
        this(options, new ModelRegistryPipelineFactory(model, task, settings, secondary, secondarySettings));
    }

    /** With any way of opening the pipeline (tests use fakes). */
    public BatchingInferenceFunction(RunnerOptions options, PipelineFactory factory) {
        if (options == null || factory == null) {
            throw new IllegalArgumentException("options and factory are required");
        }
        this.options = options;
        this.factory = factory;
    }

    public PipelineSettings settings() {
        return factory.settings();
    }

    public RunnerOptions options() {
        return options;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        gpu = GpuDevices.jvmWide().assign(
                options, getRuntimeContext().getExternalResourceInfos(GpuDevices.RESOURCE_NAME));
        InferenceMetrics metrics = new InferenceMetrics(getRuntimeContext().getMetricGroup(), factory.detects());
        inFlight = Collections.synchronizedMap(new IdentityHashMap<>());
        try {
            handle = factory.open(gpu.options(), metrics);
        } catch (Exception e) {
            gpu.close(); // its GPU must not look busier to the subtasks that open after this one
            throw e;
        }
        metrics.reportDevice(handle.placement());
        LOG.info("Inference subtask {} runs on {} with {}",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), handle.placement(), factory.settings());
    }

    @Override
    public void asyncInvoke(FrameEnvelope input, ResultFuture<FrameOutcome> resultFuture) {
        CompletableFuture<FrameOutcome> outcome = handle.pipeline().submit(input);
        // Before the callback: a record that is dead-lettered at once completes it right here.
        inFlight.put(resultFuture, outcome);
        outcome.whenComplete((result, failure) -> {
            inFlight.remove(resultFuture);
            resultFuture.complete(Collections.singletonList(result != null ? result : bug(input, failure)));
        });
    }

    /**
     * A frame still in flight after the async timeout is expired in the pipeline: it becomes an
     * INFERENCE_TIMEOUT dead letter there, counted once, and comes out through {@link #asyncInvoke}'s
     * callback like any other outcome; its late result, if any, is dropped by the pipeline.
     */
    @Override
    public void timeout(FrameEnvelope input, ResultFuture<FrameOutcome> resultFuture) {
        CompletableFuture<FrameOutcome> outcome = inFlight.get(resultFuture);
        // None: its outcome came just now and is on its way out through the callback.
        if (outcome != null) {
            handle.pipeline().expire(input, outcome, TIMEOUT_MESSAGE);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (handle != null) {
                handle.close(); // the pipeline first, then the runner lease
            }
        } finally {
            handle = null;
            if (gpu != null) {
                gpu.close();
                gpu = null;
            }
            super.close();
        }
    }

    /**
     * The pipeline never fails a future, and nothing else can complete it: this only keeps a bug
     * there from failing the job. Such a dead letter is not counted, so framesIn then exceeds
     * framesLabelled + framesDeadLettered, which shows the bug.
     */
    private static FrameOutcome bug(FrameEnvelope input, Throwable failure) {
        LOG.error("Bug: the inference pipeline failed a frame's future; dead-lettering it as UNKNOWN", failure);
        return DeadLetters.outcome(input, ReasonCode.UNKNOWN, "the inference pipeline failed: "
                + DeadLetters.describe(failure), Instant.now());
    }
}
