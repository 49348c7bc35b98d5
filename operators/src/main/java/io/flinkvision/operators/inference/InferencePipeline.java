package io.flinkvision.operators.inference;

import io.flinkvision.operators.FrameRejectedException;
import io.flinkvision.operators.batching.FlushScheduler;
import io.flinkvision.operators.batching.MicroBatcher;
import io.flinkvision.operators.classification.TopKClassifier;
import io.flinkvision.operators.model.ModelSpec;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ModelIdentity;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels frames: decode + preprocess on a pool of threads, gather the samples into micro-batches,
 * run at most {@code batchesInFlight} batches at a time through the {@link ModelRunner}, and turn
 * each output row into a {@code LabelledFrame}. Every submitted frame gets exactly one outcome: a
 * frame that cannot be labelled, for whatever reason, becomes a {@code DeadLetter}; no future is
 * ever completed exceptionally.
 *
 * <p>The pipeline does not own the runner: close the pipeline first, then the runner, because a
 * native session closed under a running batch crashes the JVM.
 */
public final class InferencePipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);
    private static final long CLOSE_LOG_INTERVAL_SECONDS = 10;

    private final ModelRunner runner;
    private final SamplePreparer preparer;
    private final RowClassifier classifier;
    private final ModelIdentity model;
    private final PipelineSettings settings;
    private final PipelineListener listener;
    private final Clock wallClock;
    private final LongSupplier nanoClock;

    private final ThreadPoolExecutor preprocessing;
    /** As many threads as batches may run at once: the pool size is the in-flight limit. */
    private final ThreadPoolExecutor inference;
    /** Null when the caller brought its own {@link FlushScheduler}. */
    private final ScheduledExecutorService batchTimer;
    private final MicroBatcher<PendingFrame> batcher;

    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesLabelled = new LongAdder();
    private final LongAdder framesDeadLettered = new LongAdder();
    private final LongAdder batchesRun = new LongAdder();
    private volatile boolean closed;

    private InferencePipeline(Builder b) {
        this.runner = b.runner;
        this.preparer = b.preparer;
        this.classifier = b.classifier;
        this.model = b.model;
        this.settings = b.settings;
        this.listener = b.listener;
        this.wallClock = b.wallClock;
        this.nanoClock = b.nanoClock;
        this.preprocessing = fixedPool(settings.preprocessingThreads(), "flinkvision-preprocess");
        this.inference = fixedPool(settings.batchesInFlight(), "flinkvision-inference");
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
    }

    /** A builder with nothing wired: set runner, preparer, classifier, model and settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder wired for production: {@link DecodeAndPreprocess} and {@link TopKClassifier} for {@code spec}. */
    public static Builder builderFor(ModelSpec spec, ModelRunner runner, PipelineSettings settings) {
        return builder()
                .runner(runner)
                .settings(settings)
                .model(spec.identity())
                .preparer(new DecodeAndPreprocess(spec.preprocess(), settings.maxPixels()))
                .classifier(new TopKClassifier(spec)::classify);
    }

    /**
     * Labels one input record. The future always completes normally, with a labelled frame or a
     * dead letter.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public CompletableFuture<FrameOutcome> submit(FrameEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        if (closed) {
            throw new IllegalStateException("the inference pipeline is closed: no more frames are accepted");
        }
        framesIn.increment();
        listener.frameIn();
        CompletableFuture<FrameOutcome> result = new CompletableFuture<>();
        Frame frame = envelope.getFrame();
        if (envelope.getError() != null || frame == null) {
            String why = envelope.getError() != null ? envelope.getError() : "the record holds no frame";
            deadLetter(envelope, result, ReasonCode.NOT_A_FRAME, why);
            return result;
        }
        long arrivalNanos = nanoClock.getAsLong();
        try {
            preprocessing.execute(new PrepareTask(envelope, frame, arrivalNanos, result));
        } catch (RejectedExecutionException e) {
            deadLetter(envelope, result, ReasonCode.UNKNOWN, "the inference pipeline closed before the frame was prepared");
        }
        return result;
    }

    public PipelineSettings settings() {
        return settings;
    }

    /** Whether {@link #close()} was called: no more frames are accepted. */
    public boolean isClosed() {
        return closed;
    }

    public long framesIn() {
        return framesIn.sum();
    }

    public long framesLabelled() {
        return framesLabelled.sum();
    }

    public long framesDeadLettered() {
        return framesDeadLettered.sum();
    }

    /** Batches handed to the runner, whether their run succeeded or not. */
    public long batchesRun() {
        return batchesRun.sum();
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
        boolean interrupted = !shutDownAndWait(preprocessing, "preprocessing");
        // Preprocessing is over, so nothing can be added any more: hand over the last batch.
        batcher.close();
        interrupted |= !shutDownAndWait(inference, "batch runs");
        if (batchTimer != null) {
            batchTimer.shutdownNow();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return false if interrupted: then what had not started is dead-lettered */
    private boolean shutDownAndWait(ExecutorService executor, String what) {
        executor.shutdown();
        try {
            while (!executor.awaitTermination(CLOSE_LOG_INTERVAL_SECONDS, TimeUnit.SECONDS)) {
                LOG.info("Closing the inference pipeline: still waiting for {} to finish", what);
            }
            return true;
        } catch (InterruptedException e) {
            for (Runnable notStarted : executor.shutdownNow()) {
                if (notStarted instanceof FrameTask task) {
                    task.abandon("the inference pipeline was interrupted while closing");
                }
            }
            return false;
        }
    }

    /** The batcher's consumer: quick, because the batcher holds its lock while calling it. */
    private void dispatch(List<PendingFrame> batch) {
        try {
            inference.execute(new BatchRun(batch));
        } catch (RejectedExecutionException e) {
            for (PendingFrame frame : batch) {
                deadLetter(frame.envelope(), frame.result(), ReasonCode.INFERENCE_FAILED,
                        "the inference pipeline closed before the batch could run");
            }
        }
    }

    private void runBatch(List<PendingFrame> batch) {
        int size = batch.size();
        float[][] rows = new float[size][];
        for (int i = 0; i < size; i++) {
            rows[i] = batch.get(i).sample().sample();
        }
        long start = nanoClock.getAsLong();
        float[][] outputs;
        try {
            outputs = runner.run(rows);
            if (outputs == null || outputs.length != size) {
                throw new InferenceException("the model returned " + (outputs == null ? "no" : outputs.length)
                        + " output rows for a batch of " + size);
            }
        } catch (Throwable failure) {
            long inferenceNanos = nanoClock.getAsLong() - start;
            batchesRun.increment();
            listener.batchRun(size, inferenceNanos);
            LOG.warn("Inference of a batch of {} failed; its frames become dead letters", size, failure);
            String message = "inference of a batch of " + size + " failed: " + DeadLetters.describe(failure);
            for (PendingFrame frame : batch) {
                deadLetter(frame.envelope(), frame.result(), ReasonCode.INFERENCE_FAILED, message);
            }
            rethrowIfFatal(failure);
            return;
        }
        long inferenceNanos = nanoClock.getAsLong() - start;
        batchesRun.increment();
        listener.batchRun(size, inferenceNanos);
        for (int i = 0; i < size; i++) {
            PendingFrame frame = batch.get(i);
            try {
                List<Classification> topK = classifier.classify(outputs[i]);
                FrameOutcome outcome = LabelledFrames.outcome(
                        frame, model, topK, start, inferenceNanos, size, wallClock.instant());
                complete(frame.result(), outcome, null);
            } catch (Throwable failure) {
                deadLetter(frame.envelope(), frame.result(), ReasonCode.INFERENCE_FAILED,
                        "cannot classify the model output: " + DeadLetters.describe(failure));
                rethrowIfFatal(failure);
            }
        }
    }

    private void deadLetter(FrameEnvelope envelope, CompletableFuture<FrameOutcome> result, ReasonCode reason,
            String message) {
        complete(result, DeadLetters.outcome(envelope, reason, message, wallClock.instant()), reason);
    }

    /**
     * Completes, then counts and reports; {@code reason} is null for a labelled frame. Counting only
     * what completed keeps the counts honest when an interrupted close already gave up on a frame.
     */
    private void complete(CompletableFuture<FrameOutcome> result, FrameOutcome outcome, ReasonCode reason) {
        if (!result.complete(outcome)) {
            return;
        }
        if (reason == null) {
            framesLabelled.increment();
            listener.labelled();
        } else {
            framesDeadLettered.increment();
            listener.deadLettered(reason);
        }
    }

    /** Errors the JVM cannot recover from go on up after the frames are dead-lettered. */
    private static void rethrowIfFatal(Throwable failure) {
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private static ThreadPoolExecutor fixedPool(int threads, String name) {
        // Unbounded queue: the async operator's capacity already bounds the frames in flight.
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new NamedThreads(name));
    }

    /** Work that holds frames, so that work dropped by an interrupted close can dead-letter them. */
    private interface FrameTask extends Runnable {
        void abandon(String why);
    }

    private final class PrepareTask implements FrameTask {
        private final FrameEnvelope envelope;
        private final Frame frame;
        private final long arrivalNanos;
        private final CompletableFuture<FrameOutcome> result;

        PrepareTask(FrameEnvelope envelope, Frame frame, long arrivalNanos, CompletableFuture<FrameOutcome> result) {
            this.envelope = envelope;
            this.frame = frame;
            this.arrivalNanos = arrivalNanos;
            this.result = result;
        }

        @Override
        public void run() {
            PreparedSample sample;
            try {
                sample = preparer.prepare(frame);
            } catch (FrameRejectedException e) {
                deadLetter(envelope, result, e.reason() != null ? e.reason() : ReasonCode.UNKNOWN, e.getMessage());
                return;
            } catch (Throwable failure) {
                deadLetter(envelope, result, ReasonCode.UNKNOWN, "preprocessing failed: " + DeadLetters.describe(failure));
                rethrowIfFatal(failure);
                return;
            }
            try {
                batcher.add(new PendingFrame(envelope, sample, arrivalNanos, result));
            } catch (IllegalStateException e) {
                abandon("the inference pipeline closed before the frame could be batched");
            }
        }

        @Override
        public void abandon(String why) {
            deadLetter(envelope, result, ReasonCode.UNKNOWN, why);
        }
    }

    private final class BatchRun implements FrameTask {
        private final List<PendingFrame> batch;

        BatchRun(List<PendingFrame> batch) {
            this.batch = batch;
        }

        @Override
        public void run() {
            runBatch(batch);
        }

        @Override
        public void abandon(String why) {
            for (PendingFrame frame : batch) {
                deadLetter(frame.envelope(), frame.result(), ReasonCode.INFERENCE_FAILED, why);
            }
        }
    }

    /** Wires a pipeline; {@link #build()} says what is missing. */
    public static final class Builder {
        private ModelRunner runner;
        private SamplePreparer preparer;
        private RowClassifier classifier;
        private ModelIdentity model;
        private PipelineSettings settings;
        private PipelineListener listener = PipelineListener.NONE;
        private Clock wallClock = Clock.systemUTC();
        private LongSupplier nanoClock = System::nanoTime;
        private FlushScheduler flushScheduler;

        private Builder() {}

        public Builder runner(ModelRunner runner) {
            this.runner = runner;
            return this;
        }

        public Builder preparer(SamplePreparer preparer) {
            this.preparer = preparer;
            return this;
        }

        public Builder classifier(RowClassifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /** The model named in every labelled frame. */
        public Builder model(ModelIdentity model) {
            this.model = model;
            return this;
        }

        public Builder settings(PipelineSettings settings) {
            this.settings = settings;
            return this;
        }

        /** Default: {@link PipelineListener#NONE}. */
        public Builder listener(PipelineListener listener) {
            this.listener = listener;
            return this;
        }

        /** Wall clock of labelledTime and failedTime. Default: system UTC. */
        public Builder wallClock(Clock wallClock) {
            this.wallClock = wallClock;
            return this;
        }

        /** Monotonic nanoseconds for batching and timings. Default: {@code System::nanoTime}. */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
            return this;
        }

        /** Scheduler of the batch-wait timer. Default: a timer thread owned by the pipeline. */
        public Builder flushScheduler(FlushScheduler flushScheduler) {
            this.flushScheduler = flushScheduler;
            return this;
        }

        public InferencePipeline build() {
            require(runner, "runner (the ModelRunner that runs batches)");
            require(preparer, "preparer (decode + preprocess, e.g. DecodeAndPreprocess)");
            require(classifier, "classifier (output row to top-k, e.g. TopKClassifier::classify)");
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
}
