package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.testing.Frames;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperator;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link InferenceStage} puts into a job: an async operator over the function, with the
 * timeout, capacity and output order it was given (each driven through Flink's operator harness),
 * and the sizing it refuses.
 */
class InferenceStageTest {
    private static final long TIMEOUT_MILLIS = 60_000;

    private final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    private final DataStream<FrameEnvelope> in =
            env.fromData(List.of(Frames.envelope(0)), new AvroTypeInfo<>(FrameEnvelope.class));
    private OneInputStreamOperatorTestHarness<FrameEnvelope, FrameOutcome> harness;

    @BeforeEach
    void reset() {
        FakePipelineFactory.reset();
    }

    @AfterEach
    void tearDown() throws Exception {
        FakePipelineFactory.runner.openGate();
        if (harness != null) {
            harness.close();
        }
    }

    private static BatchingInferenceFunction function(int batchSize, long waitMillis, int inFlight) {
        return new BatchingInferenceFunction(RunnerOptions.cpu(1),
                new FakePipelineFactory(new PipelineSettings(batchSize, waitMillis, 1, inFlight, 1_000)));
    }

    /** The operator the stage built, opened in a harness on the calling thread. */
    @SuppressWarnings("unchecked")
    private static OneInputStreamOperatorTestHarness<FrameEnvelope, FrameOutcome> run(
            SingleOutputStreamOperator<FrameOutcome> stage) throws Exception {
        OneInputTransformation<FrameEnvelope, FrameOutcome> transformation =
                (OneInputTransformation<FrameEnvelope, FrameOutcome>) stage.getTransformation();
        OneInputStreamOperatorTestHarness<FrameEnvelope, FrameOutcome> opened = new OneInputStreamOperatorTestHarness<>(
                (OneInputStreamOperatorFactory<FrameEnvelope, FrameOutcome>) transformation.getOperatorFactory(),
                new AvroSerializer<>(FrameEnvelope.class));
        opened.open();
        return opened;
    }

    private List<FrameOutcome> outcomes() {
        return harness.extractOutputValues();
    }

    @Test
    void addsAnAsyncOperatorOverTheFunctionWithAStableUidAndAvroOutput() throws Exception {
        BatchingInferenceFunction fn = function(2, 5, 2);
        SingleOutputStreamOperator<FrameOutcome> out = InferenceStage.apply(in, fn, false, TIMEOUT_MILLIS, 6);

        assertThat(out.getTransformation().getUid()).isEqualTo("inference");
        assertThat(out.getName()).isEqualTo(InferenceStage.NAME);
        assertThat(out.getType()).isEqualTo(new AvroTypeInfo<>(FrameOutcome.class));
        assertThat(((OneInputTransformation<?, ?>) out.getTransformation()).getOperatorFactory())
                .isInstanceOf(AsyncWaitOperatorFactory.class);
        harness = run(out);
        assertThat(harness.getOperator()).isInstanceOf(AsyncWaitOperator.class);
        assertThat(((AbstractUdfStreamOperator<?, ?>) harness.getOperator()).getUserFunction()).isSameAs(fn);
    }

    @Test
    void aFrameNotLabelledWithinTheTimeoutBecomesATimeoutDeadLetter() throws Exception {
        FakePipelineFactory.runner.closeGate();
        harness = run(InferenceStage.apply(in, function(1, 0, 1), true, TIMEOUT_MILLIS, 2));
        harness.processElement(Frames.envelope(4), 10);
        assertThat(FakePipelineFactory.runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();

        harness.setProcessingTime(TIMEOUT_MILLIS - 1);
        assertThat(FakePipelineFactory.lastPipeline.framesDeadLettered()).as("not yet timed out").isZero();
        harness.setProcessingTime(TIMEOUT_MILLIS);
        assertThat(FakePipelineFactory.lastPipeline.framesDeadLettered()).isEqualTo(1);
        FakePipelineFactory.runner.openGate();
        harness.endInput();

        assertThat(outcomes()).singleElement().satisfies(outcome -> {
            assertThat(outcome.getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
            assertThat(outcome.getDeadLetter().getSequence()).isEqualTo(4L);
        });
    }

    @Test
    void orderedKeepsTheInputOrder() throws Exception {
        assertThat(outcomeOrder(true)).containsExactly("labelled 0", "NOT_A_FRAME");
    }

    @Test
    void unorderedEmitsOutcomesAsTheyComplete() throws Exception {
        assertThat(outcomeOrder(false)).containsExactly("NOT_A_FRAME", "labelled 0");
    }

    /** A frame held at the runner's gate, then a record that is dead-lettered at once. */
    private List<String> outcomeOrder(boolean ordered) throws Exception {
        FakePipelineFactory.runner.closeGate();
        harness = run(InferenceStage.apply(in, function(1, 0, 1), ordered, TIMEOUT_MILLIS, 2));
        harness.processElement(Frames.envelope(0), 10);
        harness.processElement(Frames.notAFrame(50, "cam-x", new byte[] {1}), 11);
        assertThat(FakePipelineFactory.runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        FakePipelineFactory.runner.openGate();
        harness.endInput();
        return outcomes().stream()
                .map(o -> o.getLabelled() != null
                        ? "labelled " + o.getLabelled().getSequence()
                        : o.getDeadLetter().getReason().name())
                .toList();
    }

    @Test
    void noMoreFramesThanTheCapacityAreInFlight() throws Exception {
        // The harness must be driven from one thread (its mailbox's), which blocks when the operator is full.
        ExecutorService operatorThread = Executors.newSingleThreadExecutor();
        try {
            FakePipelineFactory.runner.closeGate();
            operatorThread.submit(() -> {
                harness = run(InferenceStage.apply(in, function(2, 5, 2), true, TIMEOUT_MILLIS, 6));
                for (int i = 0; i < 6; i++) {
                    harness.processElement(Frames.envelope(i), i);
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertThat(FakePipelineFactory.lastPipeline.framesIn()).isEqualTo(6);

            Future<?> seventh = operatorThread.submit(() -> {
                harness.processElement(Frames.envelope(6), 6);
                return null;
            });
            assertThatThrownBy(() -> seventh.get(300, TimeUnit.MILLISECONDS))
                    .as("the 7th frame waits for a free place").isInstanceOf(TimeoutException.class);
            assertThat(FakePipelineFactory.lastPipeline.framesIn()).isEqualTo(6);

            FakePipelineFactory.runner.openGate();
            seventh.get(30, TimeUnit.SECONDS);
            assertThat(FakePipelineFactory.lastPipeline.framesIn()).isEqualTo(7);
            operatorThread.submit(() -> {
                harness.endInput();
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertThat(outcomes()).extracting(o -> o.getLabelled().getSequence())
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        } finally {
            FakePipelineFactory.runner.openGate();
            operatorThread.submit(() -> {
                if (harness != null) {
                    harness.close();
                    harness = null;
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            operatorThread.shutdownNow();
        }
    }

    @Test
    void refusesACapacityThatCanNeverFillABatchAndSaysWhatToRaise() throws Exception {
        assertThatThrownBy(() -> InferenceStage.apply(in, function(4, 5, 2), true, TIMEOUT_MILLIS, 11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("async-capacity 11 is below batch-size 4 x (batches-in-flight 2 + 1) = 12")
                .hasMessageContaining("Raise async-capacity to at least 12, or lower batch-size or batches-in-flight");
        // The smallest capacity that is accepted.
        harness = run(InferenceStage.apply(in, function(4, 5, 2), true, TIMEOUT_MILLIS, 12));
        assertThat(harness.getOperator()).isInstanceOf(AsyncWaitOperator.class);
    }

    @Test
    void refusesATimeoutNoLongerThanTheBatchWait() {
        assertThatThrownBy(() -> InferenceStage.apply(in, function(2, 50, 1), true, 50, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("async-timeout 50 ms must be longer than batch-wait 50 ms");
        assertThat(InferenceStage.apply(in, function(2, 50, 1), true, 51, 32).getTransformation().getUid())
                .isEqualTo("inference");
    }
}
