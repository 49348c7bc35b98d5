package io.flinkvision.core.pipeline;

import io.flinkvision.core.runtime.ModelRunner;

import io.flinkvision.core.batching.FlushScheduler;
import io.flinkvision.core.batching.MicroBatcher;
import io.flinkvision.core.image.DecodeBudget;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels frames: prepare them (decode + preprocess) on a pool of {@code preprocessingThreads}, gather
 * the samples into micro-batches, run at most {@code batchesInFlight} batches at a time through the
 * {@link ModelRunner}, and have the task's {@link FrameTranslator} decode each frame's outputs into a
 * {@code LabelledFrame} (top-k for classification, boxes for detection). Every submitted frame
 * gets exactly one outcome: one that cannot be labelled, whatever the reason, becomes a
 * {@code DeadLetter}; no future is ever completed exceptionally.
 *
 * <p>The pipeline does not own the runner: close the pipeline first, then the runner, because a
 * native session closed under a running batch crashes the JVM.
 */
public final class InferencePipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);
    private static final long CLOSE_LOG_INTERVAL_SECONDS = 10;

    private final PipelineSettings settings;
    private final LongSupplier nanoClock;
    private final OutcomeLedger outcomes;
    private final Preparation preparation;
    private final BatchRunner batchRunner;

    private final ThreadPoolExecutor preprocessing;
    /** As many threads as batches may run at once: the pool size is the in-flight limit. */
    private final ThreadPoolExecutor inference;
    /** Null when the builder was given a {@link FlushScheduler}. */
    private final ScheduledExecutorService batchTimer;
    private final MicroBatcher<PendingFrame> batcher;
    private final Admission admission;
    private final DecodeWatchdog watchdog;
    private volatile boolean closed;

    InferencePipeline(InferencePipelineBuilder b) {
        this.settings = b.settings;
        this.nanoClock = b.nanoClock;
        this.outcomes = new OutcomeLedger(b.listener, b.wallClock);
        DeviceBreaker breaker = new DeviceBreaker(b.runner, b.fallback, settings.retries().failuresToTrip(), b.listener);
        this.batchRunner = new BatchRunner(breaker, settings.retries(), b.translator, b.model, b.nanoClock, outcomes);
        FrameLimits limits = settings.limits();
        this.admission = new Admission(limits.maxBytesInFlight(), limits.maxFramesInFlight());
        this.preprocessing = fixedPool(settings.preprocessingThreads(), limits.maxFramesInFlight(), "flinkvision-preprocess");
        this.inference = fixedPool(settings.batchesInFlight(), limits.maxFramesInFlight(), "flinkvision-inference");
        this.watchdog = new DecodeWatchdog(preprocessing, settings.preprocessingThreads(), limits.maxAbandonedDecodes(),
                TimeUnit.MILLISECONDS.toNanos(limits.decodeTimeoutMillis()));
        FlushScheduler scheduler = b.flushScheduler;
        if (scheduler == null) {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new NamedThreads("flinkvision-batch-timer"));
            timer.setRemoveOnCancelPolicy(true); // most timers are cancelled by full batches: don't pile them up
            this.batchTimer = timer;
            scheduler = FlushScheduler.on(timer);
        } else {
            this.batchTimer = null;
        }
        this.batcher = new MicroBatcher<>(settings.maxBatchSize(), settings.maxWait(), nanoClock, scheduler, this::dispatch);
        this.preparation = new Preparation(b.translator, outcomes, batcher::add, watchdog);
    }

    /** A builder with nothing wired: set runner, translator, model and settings. */
    public static InferencePipelineBuilder builder() {
        return new InferencePipelineBuilder();
    }

    /**
     * A builder wired for production: the runner's model with the translator of its task
     * ({@link ClassificationTranslator} or {@link DetectionTranslator}).
     */
    public static InferencePipelineBuilder builderFor(ModelSpec spec, ModelRunner runner, PipelineSettings settings) {
        return builderFor(spec, runner, settings, null);
    }

    /**
     * {@link #builderFor(ModelSpec, ModelRunner, PipelineSettings)} with a secondary classifier of the
     * detector's boxes (detect+classify).
     *
     * @param secondary null for none
     * @throws IllegalArgumentException when a secondary classifier is given for a classifier
     */
    public static InferencePipelineBuilder builderFor(ModelSpec spec, ModelRunner runner, PipelineSettings settings,
            SecondaryClassifier secondary) {
        if (secondary != null && spec.task() != ModelTask.DETECTION) {
            throw new IllegalArgumentException("a secondary classifier labels detected boxes, but model " + spec.name()
                    + " is a classifier: use a detector (--task detect+classify)");
        }
        DecodeBudget budget = settings.limits().decodeBudget(settings.maxPixels());
        FrameTranslator translator = spec.task() == ModelTask.DETECTION
                ? new DetectionTranslator(spec, budget, secondary)
                : new ClassificationTranslator(spec, budget);
        return builder()
                .runner(runner)
                .settings(settings)
                .model(spec.identity())
                .translator(translator);
    }

    /**
     * Labels one input record. The future always completes normally, with a labelled frame or a
     * dead letter, and the pipeline counts it once ({@link #framesIn} and one of {@link
     * #framesLabelled} or {@link #framesDeadLettered}). After {@link #close()} a record is not
     * labelled: it becomes an UNKNOWN dead letter at once.
     *
     * <p>Admission ({@link FrameLimits}): while the frames in the pipeline hold {@code
     * maxBytesInFlight} payload bytes or {@code maxFramesInFlight} frames, this waits for room, at
     * most {@code admissionTimeoutMillis}; a frame not admitted by then is an INFERENCE_TIMEOUT dead
     * letter. A frame that ends (labelled, dead-lettered or expired) leaves room at once, and if it
     * had not been taken up by a thread it is also taken out of the work queue.
     */
    public CompletableFuture<FrameOutcome> submit(FrameEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        outcomes.frameIn();
        CompletableFuture<FrameOutcome> result = new CompletableFuture<>();
        if (closed) {
            outcomes.deadLetter(envelope, result, ReasonCode.UNKNOWN,
                    "the inference pipeline is closed: no more frames are accepted");
            return result;
        }
        Frame frame = envelope.getFrame();
        if (envelope.getError() != null || frame == null) {
            String why = envelope.getError() != null ? envelope.getError() : "the record holds no frame";
            ReasonCode reason = envelope.getErrorReason() != null ? envelope.getErrorReason() : ReasonCode.NOT_A_FRAME;
            outcomes.deadLetter(envelope, result, reason, why);
            return result;
        }
        long bytes = frame.getPayload() == null ? 0 : frame.getPayload().remaining();
        FrameLimits limits = settings.limits();
        if (!admission.acquire(bytes, TimeUnit.MILLISECONDS.toNanos(limits.admissionTimeoutMillis()))) {
            outcomes.deadLetter(envelope, result, closed ? ReasonCode.UNKNOWN : ReasonCode.INFERENCE_TIMEOUT,
                    closed ? "the inference pipeline closed before the frame was admitted"
                            : "not admitted within " + limits.admissionTimeoutMillis() + " ms: the frames in the"
                            + " pipeline held its limit of " + limits.maxBytesInFlight() + " bytes (max-bytes-in-flight)"
                            + " or " + limits.maxFramesInFlight() + " frames all that time");
            return result;
        }
        Preparation.Task task = preparation.task(envelope, frame, nanoClock.getAsLong(), result);
        result.whenComplete((outcome, failure) -> {
            admission.release(bytes);
            if (!task.started()) {
                preprocessing.remove(task); // ended (expired) before its turn: don't keep it queued
            }
        });
        try {
            preprocessing.execute(task);
        } catch (RejectedExecutionException e) {
            outcomes.deadLetter(envelope, result, ReasonCode.UNKNOWN, preprocessing.isShutdown()
                    ? "the inference pipeline closed before the frame was prepared"
                    : "the preprocessing queue is full (" + limits.maxFramesInFlight() + " frames)");
        }
        return result;
    }

    /**
     * Gives up on a submitted frame that has no outcome yet, e.g. when the async timeout passed:
     * its future completes now with an INFERENCE_TIMEOUT dead letter, counted once, and what the
     * pipeline would later have made of the frame is dropped, uncounted. A frame expired before its
     * turn is not prepared, and is left out of its batch (a batch left empty does not run).
     *
     * @param submitted the future {@link #submit} returned for {@code envelope}
     * @param message what the dead letter says
     * @return false when the frame already had its outcome: it keeps that one
     */
    public boolean expire(FrameEnvelope envelope, CompletableFuture<FrameOutcome> submitted, String message) {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(submitted, "submitted");
        return outcomes.deadLetter(envelope, submitted, ReasonCode.INFERENCE_TIMEOUT, message);
    }

    public PipelineSettings settings() {
        return settings;
    }

    /** Whether {@link #close()} was called: no more frames are accepted. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frames submitted. Once {@link #close()} returned, it is framesLabelled + framesDeadLettered,
     * expired frames included.
     */
    public long framesIn() {
        return outcomes.framesIn();
    }

    public long framesLabelled() {
        return outcomes.framesLabelled();
    }

    public long framesDeadLettered() {
        return outcomes.framesDeadLettered();
    }

    /** Payload bytes of the frames admitted and not ended, now. */
    public long bytesInFlight() {
        return admission.bytesInFlight();
    }

    /** The most payload bytes that were ever in flight at once (never above max-bytes-in-flight, but for one lone frame). */
    public long peakBytesInFlight() {
        return admission.peakBytesInFlight();
    }

    /** The most frames that were ever admitted and not ended at once. */
    public int peakFramesInFlight() {
        return admission.peakFramesInFlight();
    }

    /** Frames queued for a preprocessing thread, now (ended frames are taken out). */
    public int preprocessingQueueLength() {
        return preprocessing.getQueue().size();
    }

    /** Room left in the preprocessing queue: its bound, less what is queued. */
    int preprocessingRemainingCapacity() {
        return preprocessing.getQueue().remainingCapacity();
    }

    /** Decodes abandoned past the decode timeout because they did not stop by themselves. */
    public long decodesAbandoned() {
        return watchdog.abandonedTotal();
    }

    /** Decode threads now, stand-ins for abandoned decodes included (at most preprocess-threads + maxAbandonedDecodes). */
    public int decodeThreads() {
        return preprocessing.getPoolSize();
    }

    /** Batches handed to the runner, whether their run succeeded or not. */
    public long batchesRun() {
        return outcomes.batchesRun();
    }

    /**
     * Stops accepting frames and labels those already submitted: waits for preprocessing, runs the
     * last partial batch, waits for every batch in flight, then stops its threads. Only after this
     * returns may the runner be closed. If interrupted, frames not yet run become dead letters and
     * the interrupt flag is kept; a run already in flight may then outlive this call.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        admission.close();
        boolean interrupted = !shutDownAndWaitForDecodes();
        // Preprocessing is over, so nothing can be added any more: hand over the last batch.
        batcher.close();
        interrupted = !shutDownAndWait(inference, "batch runs", interrupted) || interrupted;
        if (batchTimer != null) {
            batchTimer.shutdownNow();
        }
        watchdog.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Like {@link #shutDownAndWait} for the preprocessing pool, but does not wait for decodes that were
     * abandoned (they ended as DECODE_TIMEOUT and may never return): once only they are left, it goes on.
     */
    private boolean shutDownAndWaitForDecodes() {
        preprocessing.shutdown();
        long lastLog = System.nanoTime();
        try {
            while (!preprocessing.awaitTermination(50, TimeUnit.MILLISECONDS)) {
                int abandoned = watchdog.abandonedRunning();
                if (abandoned > 0 && preprocessing.getActiveCount() <= abandoned && preprocessing.getQueue().isEmpty()) {
                    LOG.warn("Closing the inference pipeline with {} abandoned decode(s) still running; their frames"
                            + " already ended as DECODE_TIMEOUT, their threads end when they return", abandoned);
                    return true;
                }
                if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(CLOSE_LOG_INTERVAL_SECONDS)) {
                    LOG.info("Closing the inference pipeline: still waiting for preprocessing to finish");
                    lastLog = System.nanoTime();
                }
            }
            return true;
        } catch (InterruptedException e) {
            for (Runnable notStarted : preprocessing.shutdownNow()) {
                if (notStarted instanceof FrameTask task) {
                    task.abandon("the inference pipeline was interrupted while closing");
                }
            }
            return false;
        }
    }

    /**
     * @param giveUp don't wait (the close was already interrupted): stop at once
     * @return false if it did not wait for the end: then what had not started is dead-lettered
     */
    private static boolean shutDownAndWait(ExecutorService executor, String what, boolean giveUp) {
        executor.shutdown();
        try {
            while (!giveUp && !executor.awaitTermination(CLOSE_LOG_INTERVAL_SECONDS, TimeUnit.SECONDS)) {
                LOG.info("Closing the inference pipeline: still waiting for {} to finish", what);
            }
            if (!giveUp) {
                return true;
            }
        } catch (InterruptedException e) {
            // Fall through: the caller keeps the interrupt.
        }
        for (Runnable notStarted : executor.shutdownNow()) {
            if (notStarted instanceof FrameTask task) {
                task.abandon("the inference pipeline was interrupted while closing");
            }
        }
        return false;
    }

    /** The batcher's consumer: quick, because the batcher holds its lock while calling it. */
    private void dispatch(List<PendingFrame> formed) {
        List<PendingFrame> batch = BatchRunner.stillWaiting(formed);
        if (batch.isEmpty()) {
            return; // every frame of it expired while it filled
        }
        try {
            inference.execute(FrameTask.of(() -> batchRunner.run(batch),
                    why -> batchRunner.fail(batch, ReasonCode.INFERENCE_FAILED, why)));
        } catch (RejectedExecutionException e) {
            batchRunner.fail(batch, ReasonCode.INFERENCE_FAILED, "the inference pipeline closed before the batch could run");
        }
    }

    private static ThreadPoolExecutor fixedPool(int threads, int queueLength, String name) {
        // Bounded by construction: admission keeps the frames (and so the batches) below queueLength.
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueLength),
                new NamedThreads(name));
    }
}
