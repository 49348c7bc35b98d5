package io.flinkvision.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.testing.FakeRunner;
import io.flinkvision.core.testing.Frames;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What bounds a pipeline: admission by bytes, queues that drop ended frames, decodes that are given up on. */
class InferencePipelineBoundsTest {
    /** Frames.frame's payload is three bytes. */
    private static final int PAYLOAD = 3;
    private static final long NEVER_MILLIS = 3_600_000;

    private final FakeRunner runner = new FakeRunner();
    private final CountDownLatch release = new CountDownLatch(1);
    private InferencePipeline pipeline;

    @AfterEach
    void tearDown() {
        release.countDown();
        runner.openGate();
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private InferencePipeline pipeline(Frames.Preparer preparer, int threads, int batchSize, FrameLimits limits) {
        pipeline = InferencePipeline.builder()
                .runner(runner)
                .translator(Frames.translator(preparer, Frames::classifyFirstValue))
                .model(Frames.MODEL)
                .settings(new PipelineSettings(batchSize, 0, threads, 1, 1_000_000).withLimits(limits))
                .build();
        return pipeline;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static FrameOutcome get(CompletableFuture<FrameOutcome> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anExpiredFrameLeavesTheQueueAtOnceAndIsNeverPrepared() throws Exception {
        List<Long> prepared = new CopyOnWriteArrayList<>();
        CountDownLatch preparing = new CountDownLatch(1);
        pipeline(frame -> {
            prepared.add(frame.getSequence());
            if (frame.getSequence() == 0) {
                preparing.countDown();
                awaitQuietly(release);
            }
            return Frames.sequenceSample(frame);
        }, 1, 1, FrameLimits.defaults());
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(pipeline.submit(Frames.envelope(i)));
        }
        assertThat(preparing.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pipeline.preprocessingQueueLength()).isEqualTo(9);
        for (int i = 1; i < 10; i++) {
            assertThat(pipeline.expire(Frames.envelope(i), futures.get(i), "too slow")).isTrue();
        }
        // The async operator frees a slot per expired frame: the work queue must not keep them.
        assertThat(pipeline.preprocessingQueueLength()).isZero();
        assertThat(pipeline.bytesInFlight()).isEqualTo(PAYLOAD);
        release.countDown();
        assertThat(get(futures.get(0)).getLabelled()).isNotNull();
        pipeline.close();
        assertThat(prepared).containsExactly(0L);
        for (int i = 1; i < 10; i++) {
            assertThat(get(futures.get(i)).getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
        }
        assertThat(pipeline.framesIn()).isEqualTo(10);
        assertThat(pipeline.framesLabelled() + pipeline.framesDeadLettered()).isEqualTo(10);
        assertThat(pipeline.bytesInFlight()).isZero();
    }

    @Test
    void admissionWaitsForRoomByBytesAndNeverHoldsMoreThanTheLimit() throws Exception {
        runner.closeGate();
        pipeline(Frames::sequenceSample, 2, 1, FrameLimits.defaults().withMaxBytesInFlight(3 * PAYLOAD));
        ExecutorService submitter = Executors.newSingleThreadExecutor();
        try {
            Future<List<CompletableFuture<FrameOutcome>>> submitted = submitter.submit(() -> {
                List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    futures.add(pipeline.submit(Frames.envelope(i)));
                }
                return futures;
            });
            assertThat(runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
            // The runner is stuck on the first batch: three frames' bytes are in, the fourth waits.
            Thread.sleep(200);
            assertThat(submitted.isDone()).as("the submitter waits for room").isFalse();
            assertThat(pipeline.framesIn()).isEqualTo(4); // counted in, not admitted
            assertThat(pipeline.bytesInFlight()).isEqualTo(3 * PAYLOAD);
            runner.openGate();
            List<CompletableFuture<FrameOutcome>> futures = submitted.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<FrameOutcome> f : futures) {
                assertThat(get(f).getLabelled()).as("waiting is not losing").isNotNull();
            }
            assertThat(pipeline.peakBytesInFlight()).isEqualTo(3 * PAYLOAD);
        } finally {
            submitter.shutdownNow();
        }
    }

    @Test
    void aFrameNotAdmittedWithinTheAdmissionTimeoutIsATimeoutDeadLetter() throws Exception {
        runner.closeGate();
        pipeline(Frames::sequenceSample, 1, 1, FrameLimits.defaults().withMaxBytesInFlight(PAYLOAD)
                .withAdmissionTimeoutMillis(50));
        CompletableFuture<FrameOutcome> first = pipeline.submit(Frames.envelope(0));
        CompletableFuture<FrameOutcome> second = pipeline.submit(Frames.envelope(1)); // waits 50 ms, then gives up
        assertThat(get(second).getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
        assertThat(get(second).getDeadLetter().getMessage()).contains("max-bytes-in-flight");
        runner.openGate();
        assertThat(get(first).getLabelled()).isNotNull();
    }

    @Test
    void aDecodeThatNeverReturnsIsADecodeTimeoutAndItsThreadIsStoodInFor() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        pipeline(frame -> {
            if (frame.getSequence() == 0) {
                stuck.countDown();
                awaitQuietly(release); // a decoder that ignores every deadline
            }
            return Frames.sequenceSample(frame);
        }, 1, 1, FrameLimits.defaults().withDecodeTimeoutMillis(100));
        CompletableFuture<FrameOutcome> hung = pipeline.submit(Frames.envelope(0));
        assertThat(stuck.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<FrameOutcome>> others = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            others.add(pipeline.submit(Frames.envelope(i)));
        }
        assertThat(get(hung).getDeadLetter().getReason()).isEqualTo(ReasonCode.DECODE_TIMEOUT);
        assertThat(get(hung).getDeadLetter().getMessage()).contains("decode-timeout").contains("abandoned");
        // With its only thread stuck, the pipeline still labels the rest on a stand-in thread.
        for (CompletableFuture<FrameOutcome> f : others) {
            assertThat(get(f).getLabelled()).isNotNull();
        }
        assertThat(pipeline.decodesAbandoned()).isEqualTo(1);
        assertThat(pipeline.decodeThreads()).isLessThanOrEqualTo(1 + FrameLimits.defaults().maxAbandonedDecodes());
        // The stuck decode returns late: its result is dropped, the frame keeps its one outcome.
        release.countDown();
        pipeline.close();
        assertThat(pipeline.framesIn()).isEqualTo(6);
        assertThat(pipeline.framesLabelled()).isEqualTo(5);
        assertThat(pipeline.framesDeadLettered()).isEqualTo(1);
    }

    @Test
    void closeDoesNotWaitForAnAbandonedDecode() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        pipeline(frame -> {
            stuck.countDown();
            awaitQuietly(release);
            return Frames.sequenceSample(frame);
        }, 1, 1, FrameLimits.defaults().withDecodeTimeoutMillis(100));
        CompletableFuture<FrameOutcome> hung = pipeline.submit(Frames.envelope(0));
        assertThat(stuck.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(get(hung).getDeadLetter().getReason()).isEqualTo(ReasonCode.DECODE_TIMEOUT);
        pipeline.close(); // returns although the decode is still stuck
        assertThat(pipeline.isClosed()).isTrue();
        assertThat(pipeline.framesIn()).isEqualTo(pipeline.framesDeadLettered());
    }

    @Test
    void queuesAreBoundedByConstruction() {
        pipeline(Frames::sequenceSample, 1, 1, new FrameLimits(16, 1000, 0, 1L << 20, 7, 1000));
        assertThat(pipeline.preprocessingRemainingCapacity()).isEqualTo(7);
    }
}
