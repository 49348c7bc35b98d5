package io.flinkvision.core.pipeline;

import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.testing.FakeRunner;
import io.flinkvision.core.testing.Frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.testing.ManualTime;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link InferencePipeline} with a fake runner and translator. */
class InferencePipelineTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    /** Long enough never to fire on its own: tests that batch by size stay deterministic. */
    private static final long NEVER_MILLIS = 3_600_000;

    private final ManualTime manualTime = new ManualTime();
    private final RecordingListener listener = new RecordingListener();
    private FakeRunner runner = new FakeRunner();
    private Frames.Preparer preparer = Frames::sequenceSample;
    private InferencePipeline pipeline;

    @AfterEach
    void tearDown() {
        runner.openGate();
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** One preprocessing thread keeps the batch composition deterministic. */
    private InferencePipeline pipeline(int batchSize, long waitMillis, int batchesInFlight) {
        pipeline = InferencePipeline.builder()
                .runner(runner)
                .translator(Frames.translator(preparer, Frames::classifyFirstValue))
                .model(Frames.MODEL)
                .settings(new PipelineSettings(batchSize, waitMillis, 1, batchesInFlight, 1_000_000))
                .listener(listener)
                .wallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .flushScheduler(manualTime)
                .build();
        return pipeline;
    }

    private static FrameOutcome get(CompletableFuture<FrameOutcome> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void labelsEachFrameWithItsOwnIdentityOutputAndTimings() throws Exception {
        pipeline(2, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        for (int n = 0; n < 4; n++) {
            int i = n;
            FrameOutcome outcome = get(futures.get(i));
            assertThat(outcome.getDeadLetter()).isNull();
            LabelledFrame labelled = outcome.getLabelled();
            Frame frame = Frames.frame(i);
            assertThat(labelled.getStreamId()).isEqualTo(frame.getStreamId());
            assertThat(labelled.getSequence()).isEqualTo(i);
            assertThat(labelled.getCaptureTime()).isEqualTo(frame.getCaptureTime());
            assertThat(labelled.getSourcePartition()).isEqualTo(Frames.PARTITION);
            assertThat(labelled.getSourceOffset()).isEqualTo(100 + i);
            assertThat(labelled.getWidth()).isEqualTo(640);
            assertThat(labelled.getHeight()).isEqualTo(480);
            assertThat(labelled.getModel()).isEqualTo(Frames.MODEL);
            assertThat(labelled.getTopK()).singleElement()
                    .satisfies(c -> assertThat(c.getLabel()).isEqualTo("class-" + i));
            assertThat(labelled.getDetections()).isEmpty();
            assertThat(labelled.getLabelledTime()).isEqualTo(NOW);
            assertThat(labelled.getTimings().getBatchSize()).isEqualTo(2);
            assertThat(labelled.getTimings().getPreprocessMicros()).isEqualTo(42);
            assertThat(labelled.getTimings().getQueueWaitMicros()).isNotNegative();
            assertThat(labelled.getTimings().getInferenceMicros()).isNotNegative();
        }
        assertThat(runner.batchSizes).containsExactly(2, 2);
    }

    @Test
    void fillsBatchesUpToTheMaximumAndRunsTheRestOnClose() throws Exception {
        pipeline(3, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        CompletableFuture.allOf(futures.subList(0, 6).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(futures.get(6)).as("the 7th frame waits for its batch to fill").isNotDone();

        pipeline.close();

        assertThat(runner.batchSizes).containsExactly(3, 3, 1);
        assertThat(get(futures.get(6)).getLabelled().getTimings().getBatchSize()).isEqualTo(1);
        assertThat(runner.closed).as("the pipeline does not own the runner").isFalse();
    }

    @Test
    void runsAnUnfilledBatchWhenBatchWaitIsOver() throws Exception {
        pipeline(10, 5, 1);
        CompletableFuture<FrameOutcome> first = pipeline.submit(Frames.envelope(0));
        CompletableFuture<FrameOutcome> second = pipeline.submit(Frames.envelope(1));
        // Preparation runs on its own thread, so the first timer may fire before the second frame joins
        // the batch; keep advancing until both frames have been run, in one batch or two.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(first.isDone() && second.isDone()) && System.nanoTime() < deadline) {
            manualTime.advance(java.time.Duration.ofMillis(5));
            Thread.onSpinWait();
        }
        assertThat(get(first).getLabelled()).isNotNull();
        assertThat(get(second).getLabelled()).isNotNull();
        assertThat(runner.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
    }

    @Test
    void deadLettersARecordThatIsNotAFrameAtOnce() throws Exception {
        pipeline(2, NEVER_MILLIS, 1);
        CompletableFuture<FrameOutcome> future = pipeline.submit(Frames.notAFrame(9, "cam-9", new byte[] {9, 8, 7}));

        assertThat(future).isDone();
        DeadLetter dead = get(future).getDeadLetter();
        assertThat(dead.getReason()).isEqualTo(ReasonCode.NOT_A_FRAME);
        assertThat(dead.getMessage()).isEqualTo("not a valid Frame: garbage");
        assertThat(dead.getOriginalBytes()).isEqualTo(ByteBuffer.wrap(new byte[] {9, 8, 7}));
        assertThat(dead.getStreamId()).isEqualTo("cam-9");
        assertThat(dead.getSequence()).isNull();
        assertThat(dead.getEventTime()).isEqualTo(Instant.ofEpochMilli(7_009));
        assertThat(dead.getSourceTopic()).isEqualTo(Frames.TOPIC);
        assertThat(dead.getSourcePartition()).isEqualTo(Frames.PARTITION);
        assertThat(dead.getSourceOffset()).isEqualTo(9);
        assertThat(dead.getFailedTime()).isEqualTo(NOW);
        assertThat(get(future).getLabelled()).isNull();
        assertThat(runner.batchSizes).isEmpty();
    }

    @Test
    void deadLettersFramesThePreparerRejectsWithItsReason() throws Exception {
        preparer = frame -> {
            if (frame.getSequence() == 1) {
                throw new FrameRejectedException(ReasonCode.TOO_MANY_PIXELS, "100000x100000 is over the limit");
            }
            if (frame.getSequence() == 2) {
                throw new IllegalStateException("preprocessor bug");
            }
            return Frames.sequenceSample(frame);
        };
        pipeline(2, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }

        DeadLetter tooBig = get(futures.get(1)).getDeadLetter();
        assertThat(tooBig.getReason()).isEqualTo(ReasonCode.TOO_MANY_PIXELS);
        assertThat(tooBig.getMessage()).isEqualTo("100000x100000 is over the limit");
        assertThat(tooBig.getSequence()).isEqualTo(1L);
        assertThat(tooBig.getStreamId()).isEqualTo("cam-1");
        assertThat(tooBig.getEventTime()).isEqualTo(Frames.frame(1).getCaptureTime());
        byte[] original = new byte[tooBig.getOriginalBytes().remaining()];
        tooBig.getOriginalBytes().duplicate().get(original);
        assertThat(AvroCodec.of(Frame.class).decode(original)).isEqualTo(Frames.frame(1));

        DeadLetter bug = get(futures.get(2)).getDeadLetter();
        assertThat(bug.getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(bug.getMessage()).contains("IllegalStateException").contains("preprocessor bug");

        assertThat(get(futures.get(0)).getLabelled().getSequence()).isEqualTo(0);
        assertThat(get(futures.get(3)).getLabelled().getSequence()).isEqualTo(3);
        assertThat(runner.batchSizes).containsExactly(2);
    }

    @Test
    void aFailedRunDeadLettersEveryFrameOfItsBatchAndNoOther() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        runner = new FakeRunner() {
            @Override
            protected float[][] output(float[][] batch) throws InferenceException {
                return switch (runs.incrementAndGet()) {
                    case 2 -> throw new InferenceException("CUDA out of memory");
                    case 3 -> throw new IllegalArgumentException("wrong input shape");
                    case 4 -> new float[1][];
                    default -> batch;
                };
            }
        };
        pipeline(2, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        pipeline.close();

        assertThat(get(futures.get(0)).getLabelled()).isNotNull();
        assertThat(get(futures.get(1)).getLabelled()).isNotNull();
        for (int i = 2; i < 8; i++) {
            DeadLetter dead = get(futures.get(i)).getDeadLetter();
            // Too few outputs break the model's contract: INVALID_MODEL_OUTPUT, not a failed run.
            assertThat(dead.getReason()).isEqualTo(i < 6 ? ReasonCode.INFERENCE_FAILED : ReasonCode.INVALID_MODEL_OUTPUT);
            assertThat(dead.getSequence()).isEqualTo((long) i);
            assertThat(dead.getMessage()).startsWith("inference of a batch of 2 failed");
        }
        assertThat(get(futures.get(2)).getDeadLetter().getMessage()).contains("CUDA out of memory");
        assertThat(get(futures.get(4)).getDeadLetter().getMessage()).contains("wrong input shape");
        assertThat(get(futures.get(6)).getDeadLetter().getMessage()).contains("returned 1 outputs for a batch of 2");
        assertThat(pipeline.batchesRun()).isEqualTo(4);
    }

    @Test
    void aFailingClassifierDeadLettersOnlyItsFrame() throws Exception {
        pipeline = InferencePipeline.builder()
                .runner(runner)
                .translator(Frames.translator(preparer, row -> {
                    if (row[0] == 1) {
                        throw new IndexOutOfBoundsException("row too short");
                    }
                    return Frames.classifyFirstValue(row);
                }))
                .model(Frames.MODEL)
                .settings(new PipelineSettings(2, NEVER_MILLIS, 1, 1, 1_000_000))
                .flushScheduler(manualTime)
                .build();
        CompletableFuture<FrameOutcome> zero = pipeline.submit(Frames.envelope(0));
        CompletableFuture<FrameOutcome> one = pipeline.submit(Frames.envelope(1));

        assertThat(get(zero).getLabelled()).isNotNull();
        assertThat(get(one).getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_FAILED);
        assertThat(get(one).getDeadLetter().getMessage()).contains("row too short");
    }

    @Test
    void neverRunsMoreBatchesAtOnceThanAllowed() throws Exception {
        runner.closeGate();
        pipeline(1, NEVER_MILLIS, 2);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        assertThat(runner.started.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.started.tryAcquire(200, TimeUnit.MILLISECONDS))
                .as("a third batch started while two were running").isFalse();

        runner.openGate();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(runner.batchSizes).hasSize(5);
        assertThat(runner.maxConcurrentRuns).hasValue(2);
    }

    @Test
    void closeReturnsOnlyAfterTheRunInFlightHasFinished() throws Exception {
        runner.closeGate();
        pipeline(1, NEVER_MILLIS, 1);
        CompletableFuture<FrameOutcome> future = pipeline.submit(Frames.envelope(0));
        assertThat(runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();

        AtomicLong order = new AtomicLong();
        AtomicLong closeReturned = new AtomicLong();
        Thread closer = new Thread(() -> {
            pipeline.close();
            closeReturned.set(order.incrementAndGet());
        });
        closer.start();
        // Let a close that does not wait return before the run ends; a waiting one blocks.
        while (closer.getState() != Thread.State.TERMINATED && closer.getState() != Thread.State.TIMED_WAITING
                && closer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        long runEnded = order.incrementAndGet();
        runner.openGate();
        closer.join(30_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(closeReturned.get()).as("close returned after the run ended").isGreaterThan(runEnded);
        assertThat(future).isDone();
        assertThat(get(future).getLabelled()).isNotNull();
    }

    @Test
    void anInterruptedCloseDeadLettersWhatItGivesUpOnAndKeepsTheInterrupt() throws Exception {
        runner.closeGate();
        pipeline(1, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        assertThat(runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();

        Thread.currentThread().interrupt();
        pipeline.close();
        assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();

        // Not the counters: the run that was interrupted may still be counting its frame.
        for (CompletableFuture<FrameOutcome> future : futures) {
            assertThat(get(future).getDeadLetter()).isNotNull();
            assertThat(get(future).getDeadLetter().getMessage()).contains("interrupted");
        }
    }

    @Test
    void countsEveryFrameInExactlyOnceAsLabelledOrDeadLettered() throws Exception {
        preparer = frame -> {
            if (frame.getSequence() % 4 == 3) {
                throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE, "truncated JPEG");
            }
            return Frames.sequenceSample(frame);
        };
        pipeline(3, NEVER_MILLIS, 2);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        futures.add(pipeline.submit(Frames.notAFrame(50, null, new byte[] {1})));
        futures.add(pipeline.submit(Frames.notAFrame(51, "cam-x", new byte[0])));
        pipeline.close();

        assertThat(futures).allSatisfy(f -> assertThat(f).isDone());
        assertThat(pipeline.framesIn()).isEqualTo(14);
        assertThat(pipeline.framesLabelled()).isEqualTo(9);
        assertThat(pipeline.framesDeadLettered()).isEqualTo(5);
        assertThat(pipeline.framesIn()).isEqualTo(pipeline.framesLabelled() + pipeline.framesDeadLettered());
        assertThat(pipeline.batchesRun()).isEqualTo(3);

        assertThat(listener.framesIn).hasValue(14);
        assertThat(listener.labelled).hasValue(9);
        assertThat(listener.deadLettered).containsExactlyInAnyOrderEntriesOf(
                Map.of(ReasonCode.CORRUPT_IMAGE, 3, ReasonCode.NOT_A_FRAME, 2));
        assertThat(listener.batchFrames).hasValue(9);
        assertThat(listener.batches).hasValue(3);
    }

    @Test
    void aFrameSubmittedAfterCloseIsACountedDeadLetter() throws Exception {
        pipeline(2, NEVER_MILLIS, 1).close();

        FrameOutcome outcome = get(pipeline.submit(Frames.envelope(0)));

        assertThat(outcome.getLabelled()).isNull();
        assertThat(outcome.getDeadLetter().getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(outcome.getDeadLetter().getMessage()).contains("closed");
        assertThat(outcome.getDeadLetter().getSequence()).isEqualTo(0L);
        assertThat(pipeline.framesIn()).isEqualTo(1);
        assertThat(pipeline.framesDeadLettered()).isEqualTo(1);
        assertThat(runner.batchSizes).isEmpty();
    }

    @Test
    void anExpiredFrameIsOneTimeoutDeadLetterAndItsLateResultIsDroppedUncounted() throws Exception {
        runner.closeGate();
        pipeline(1, NEVER_MILLIS, 1);
        CompletableFuture<FrameOutcome> future = pipeline.submit(Frames.envelope(7));
        assertThat(runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();

        assertThat(pipeline.expire(Frames.envelope(7), future, "too slow")).isTrue();
        assertThat(pipeline.expire(Frames.envelope(7), future, "too slow again")).as("only the first counts").isFalse();

        DeadLetter dead = get(future).getDeadLetter();
        assertThat(dead.getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
        assertThat(dead.getMessage()).isEqualTo("too slow");
        assertThat(dead.getSequence()).isEqualTo(7L);
        assertThat(dead.getSourceOffset()).isEqualTo(107L);
        assertThat(dead.getFailedTime()).isEqualTo(NOW);

        runner.openGate();
        pipeline.close(); // the run finishes: its result has nowhere to go
        assertThat(get(future).getDeadLetter()).isSameAs(dead);
        assertThat(pipeline.batchesRun()).isEqualTo(1);
        assertCountsAddUp(1, 0, Map.of(ReasonCode.INFERENCE_TIMEOUT, 1));
    }

    @Test
    void aFrameThatAlreadyHasItsOutcomeKeepsIt() throws Exception {
        pipeline(1, NEVER_MILLIS, 1);
        CompletableFuture<FrameOutcome> future = pipeline.submit(Frames.envelope(1));
        FrameOutcome labelled = get(future);

        assertThat(pipeline.expire(Frames.envelope(1), future, "too late")).isFalse();

        assertThat(get(future)).isSameAs(labelled);
        pipeline.close();
        assertCountsAddUp(1, 1, Map.of());
    }

    @Test
    void framesExpiredWhileTheyWaitAreNotRunAndAnEmptyBatchDoesNotRun() throws Exception {
        List<Long> ran = new CopyOnWriteArrayList<>();
        runner = new FakeRunner() {
            @Override
            protected float[][] output(float[][] batch) {
                for (float[] row : batch) {
                    ran.add((long) row[0]);
                }
                return batch;
            }
        }.closeGate();
        pipeline(2, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        // [0, 1] runs and waits at the gate; the others wait to be prepared, batched or run.
        assertThat(runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        for (int i : new int[] {2, 4, 5}) {
            assertThat(pipeline.expire(Frames.envelope(i), futures.get(i), "too slow")).isTrue();
        }

        runner.openGate();
        pipeline.close();

        assertThat(ran).containsExactly(0L, 1L, 3L);
        assertThat(runner.batchSizes).as("3 ran without 2; 4 and 5 ran not at all").containsExactly(2, 1);
        assertThat(pipeline.batchesRun()).isEqualTo(2);
        assertThat(get(futures.get(3)).getLabelled().getTimings().getBatchSize()).isEqualTo(1);
        for (int i : new int[] {0, 1, 3}) {
            assertThat(get(futures.get(i)).getLabelled().getSequence()).isEqualTo(i);
        }
        for (int i : new int[] {2, 4, 5}) {
            assertThat(get(futures.get(i)).getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
        }
        assertCountsAddUp(6, 3, Map.of(ReasonCode.INFERENCE_TIMEOUT, 3));
    }

    @Test
    void aFrameExpiredBeforeItsTurnToBePreparedIsNotPrepared() throws Exception {
        CountDownLatch preparing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> prepared = new CopyOnWriteArrayList<>();
        preparer = frame -> {
            prepared.add(frame.getSequence());
            if (frame.getSequence() == 0) {
                preparing.countDown();
                awaitUninterruptibly(release);
            }
            return Frames.sequenceSample(frame);
        };
        pipeline(3, NEVER_MILLIS, 1);
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        assertThat(preparing.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(pipeline.expire(Frames.envelope(1), futures.get(1), "too slow")).isTrue();
        release.countDown();
        pipeline.close();

        assertThat(prepared).containsExactly(0L, 2L);
        assertThat(runner.batchSizes).containsExactly(2);
        assertThat(get(futures.get(1)).getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
        assertCountsAddUp(3, 2, Map.of(ReasonCode.INFERENCE_TIMEOUT, 1));
    }

    /** The pipeline's counters and what it told the listener: every frame in is one labelled or one dead letter. */
    private void assertCountsAddUp(int in, int labelled, Map<ReasonCode, Integer> deadLettered) {
        int dead = deadLettered.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(in).isEqualTo(labelled + dead);
        assertThat(pipeline.framesIn()).isEqualTo(in);
        assertThat(pipeline.framesLabelled()).isEqualTo(labelled);
        assertThat(pipeline.framesDeadLettered()).isEqualTo(dead);
        assertThat(listener.framesIn).hasValue(in);
        assertThat(listener.labelled).hasValue(labelled);
        assertThat(listener.deadLettered).containsExactlyInAnyOrderEntriesOf(deadLettered);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theBuilderSaysWhatIsMissing() {
        assertThatThrownBy(() -> InferencePipeline.builder().build()).hasMessageContaining("runner");
        assertThatThrownBy(() -> InferencePipeline.builder().runner(runner)
                        .translator(Frames.sequenceTranslator()).settings(PipelineSettings.defaults()).build())
                .hasMessageContaining("ModelIdentity");
    }

    /** Counts what the pipeline reports. */
    private static final class RecordingListener implements PipelineListener {
        final AtomicInteger framesIn = new AtomicInteger();
        final AtomicInteger labelled = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger batchFrames = new AtomicInteger();
        final Map<ReasonCode, Integer> deadLettered = new ConcurrentHashMap<>();

        @Override
        public void frameIn() {
            framesIn.incrementAndGet();
        }

        @Override
        public void labelled() {
            labelled.incrementAndGet();
        }

        @Override
        public void deadLettered(ReasonCode reason) {
            deadLettered.merge(reason, 1, Integer::sum);
        }

        @Override
        public void batchRun(int size, long inferenceNanos) {
            batches.incrementAndGet();
            batchFrames.addAndGet(size);
        }
    }
}
