package io.flinkvision.flink;

import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Instant;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels frames asynchronously through a batching {@code InferencePipeline}: each input record
 * yields exactly one {@link FrameOutcome}, a labelled frame or a dead letter. Nothing is ever
 * completed exceptionally, so bad frames, failed batches and timeouts never fail the job.
 */
public class BatchingInferenceFunction extends RichAsyncFunction<FrameEnvelope, FrameOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchingInferenceFunction.class);

    private final RunnerOptions options;
    private final PipelineFactory factory;
    private transient PipelineHandle handle;
    private transient InferenceMetrics metrics;

    /** Production: the model's runner shared by the TaskManager's slots via {@code ModelRegistry.jvmWide()}. */
    public BatchingInferenceFunction(ModelSpec spec, RunnerOptions options, PipelineSettings settings) {
        this(options, new ModelRegistryPipelineFactory(spec, settings));
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
        RunnerOptions resolved = GpuDevices.resolve(
                options, getRuntimeContext().getExternalResourceInfos(GpuDevices.RESOURCE_NAME));
        metrics = new InferenceMetrics(getRuntimeContext().getMetricGroup());
        handle = factory.open(resolved, metrics);
        metrics.reportDevice(handle.placement());
        LOG.info("Inference subtask {} runs on {} with {}",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), handle.placement(), factory.settings());
    }

    @Override
    public void asyncInvoke(FrameEnvelope input, ResultFuture<FrameOutcome> resultFuture) {
        CompletableFuture<FrameOutcome> outcome;
        try {
            outcome = handle.pipeline().submit(input);
        } catch (RuntimeException e) {
            complete(resultFuture, deadLetter(input, ReasonCode.UNKNOWN, "cannot submit the frame: " + DeadLetters.describe(e)));
            return;
        }
        // The pipeline never fails a future; the fallback only guards against a bug doing so.
        outcome.whenComplete((result, failure) -> resultFuture.complete(Collections.singletonList(
                result != null ? result : deadLetter(input, ReasonCode.UNKNOWN, DeadLetters.describe(failure)))));
    }

    /**
     * A frame still in flight after the async timeout becomes an INFERENCE_TIMEOUT dead letter.
     * Its pipeline result, when it comes, is dropped by the operator (a result future completes once),
     * but the pipeline has still counted it: with timeouts, the framesLabelled and framesDeadLettered
     * metrics add up to more than framesIn.
     */
    @Override
    public void timeout(FrameEnvelope input, ResultFuture<FrameOutcome> resultFuture) {
        complete(resultFuture, deadLetter(input, ReasonCode.INFERENCE_TIMEOUT,
                "not labelled within the async timeout (async-timeout); batches may be too slow for the input rate"));
    }

    @Override
    public void close() throws Exception {
        try {
            if (handle != null) {
                handle.close(); // the pipeline first, then the runner lease
            }
        } finally {
            handle = null;
            super.close();
        }
    }

    private FrameOutcome deadLetter(FrameEnvelope input, ReasonCode reason, String message) {
        if (metrics != null) {
            metrics.deadLettered(reason);
        }
        return DeadLetters.outcome(input, reason, message, Instant.now());
    }

    private static void complete(ResultFuture<FrameOutcome> resultFuture, FrameOutcome outcome) {
        resultFuture.complete(Collections.singletonList(outcome));
    }
}
