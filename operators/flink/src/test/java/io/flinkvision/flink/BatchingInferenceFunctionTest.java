package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.testing.Frames;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.externalresource.StaticExternalResourceInfoProvider;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BatchingInferenceFunction} in Flink's async operator, over a fake pipeline factory. */
class BatchingInferenceFunctionTest {
    private static final long TIMEOUT_MILLIS = 1_000;
    private static final RunnerOptions CUDA = new RunnerOptions(Device.CUDA, 0, 1, false);

    private final PipelineSettings settings = new PipelineSettings(2, 1, 1, 1, 1_000_000);
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

    private OneInputStreamOperatorTestHarness<FrameEnvelope, FrameOutcome> open(
            RunnerOptions options, Map<String, Set<? extends ExternalResourceInfo>> resources) throws Exception {
        BatchingInferenceFunction fn = new BatchingInferenceFunction(options, new FakePipelineFactory(settings));
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setExternalResourceInfoProvider(new StaticExternalResourceInfoProvider(resources))
                .build();
        harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn, TIMEOUT_MILLIS, 10, AsyncDataStream.OutputMode.ORDERED),
                new AvroSerializer<>(FrameEnvelope.class),
                environment);
        harness.open();
        return harness;
    }

    private List<FrameOutcome> outcomes() {
        List<FrameOutcome> outcomes = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord<?> record) {
                outcomes.add((FrameOutcome) record.getValue());
            }
        }
        return outcomes;
    }

    @Test
    void emitsOneOutcomePerRecordInInputOrder() throws Exception {
        open(CUDA, Map.of());
        harness.processElement(new StreamRecord<>(Frames.envelope(0), 10));
        harness.processElement(new StreamRecord<>(Frames.notAFrame(77, "cam-x", new byte[] {1}), 11));
        harness.processElement(new StreamRecord<>(Frames.envelope(1), 12));
        harness.processElement(new StreamRecord<>(Frames.envelope(2), 13));
        harness.endInput();

        List<FrameOutcome> outcomes = outcomes();
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(0).getLabelled().getSequence()).isEqualTo(0);
        assertThat(outcomes.get(1).getDeadLetter().getReason()).isEqualTo(ReasonCode.NOT_A_FRAME);
        assertThat(outcomes.get(1).getDeadLetter().getSourceOffset()).isEqualTo(77);
        assertThat(outcomes.get(2).getLabelled().getSequence()).isEqualTo(1);
        assertThat(outcomes.get(3).getLabelled().getSequence()).isEqualTo(2);
    }

    @Test
    void aFrameStillInFlightAtTheTimeoutBecomesAnInferenceTimeoutDeadLetter() throws Exception {
        FakePipelineFactory.runner.closeGate();
        open(CUDA, Map.of());
        harness.processElement(new StreamRecord<>(Frames.envelope(5), 10));
        assertThat(FakePipelineFactory.runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();

        harness.setProcessingTime(TIMEOUT_MILLIS + 1);
        FakePipelineFactory.runner.openGate();
        harness.endInput();

        assertThat(outcomes()).singleElement().satisfies(outcome -> {
            assertThat(outcome.getLabelled()).isNull();
            assertThat(outcome.getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT);
            assertThat(outcome.getDeadLetter().getSequence()).isEqualTo(5L);
            assertThat(outcome.getDeadLetter().getMessage()).contains("async-timeout");
        });
        // Closing waits for the run: the frame's late label is dropped, and not counted.
        harness.close();
        harness = null;
        assertThat(FakePipelineFactory.runner.batchSizes).containsExactly(1);
        assertCounted(1, 0, 1);
    }

    @Test
    void withTimeoutsFramesInIsStillLabelledPlusDeadLettered() throws Exception {
        FakePipelineFactory.runner.closeGate();
        open(CUDA, Map.of());
        harness.processElement(new StreamRecord<>(Frames.envelope(0), 10));
        harness.processElement(new StreamRecord<>(Frames.envelope(1), 11));
        assertThat(FakePipelineFactory.runner.started.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        harness.setProcessingTime(TIMEOUT_MILLIS / 2);
        harness.processElement(new StreamRecord<>(Frames.envelope(2), 12));
        harness.processElement(new StreamRecord<>(Frames.notAFrame(90, "cam-x", new byte[] {1}), 13));
        harness.processElement(new StreamRecord<>(Frames.envelope(3), 14));

        // 0 and 1 were submitted at 0: they time out; 2 and 3 were submitted later and are labelled.
        harness.setProcessingTime(TIMEOUT_MILLIS);
        FakePipelineFactory.runner.openGate();
        harness.endInput();
        List<FrameOutcome> outcomes = outcomes();
        harness.close();
        harness = null;

        assertThat(outcomes).hasSize(5);
        assertThat(outcomes.subList(0, 2)).allSatisfy(outcome ->
                assertThat(outcome.getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_TIMEOUT));
        assertThat(outcomes.get(2).getLabelled().getSequence()).isEqualTo(2L);
        assertThat(outcomes.get(3).getDeadLetter().getReason()).isEqualTo(ReasonCode.NOT_A_FRAME);
        assertThat(outcomes.get(4).getLabelled().getSequence()).isEqualTo(3L);
        assertCounted(5, 2, 3);
        assertThat(FakePipelineFactory.reported("deadLettered:INFERENCE_TIMEOUT")).isEqualTo(2);
    }

    /** The pipeline's counters and what the function's metrics were told agree, and add up. */
    private static void assertCounted(long in, long labelled, long deadLettered) {
        assertThat(in).isEqualTo(labelled + deadLettered);
        InferencePipeline pipeline = FakePipelineFactory.lastPipeline;
        assertThat(pipeline.framesIn()).isEqualTo(in);
        assertThat(pipeline.framesLabelled()).isEqualTo(labelled);
        assertThat(pipeline.framesDeadLettered()).isEqualTo(deadLettered);
        assertThat(FakePipelineFactory.reported("frameIn")).isEqualTo(in);
        assertThat(FakePipelineFactory.reported("labelled")).isEqualTo(labelled);
        assertThat(FakePipelineFactory.REPORTED.stream().filter(e -> e.startsWith("deadLettered:")).count())
                .isEqualTo(deadLettered);
    }

    @Test
    void takesTheCudaDeviceFromTheSlotsGpuResource() throws Exception {
        open(CUDA, Map.of("gpu", Set.of(new Gpu("3"))));
        assertThat(FakePipelineFactory.OPENED_WITH).singleElement()
                .satisfies(options -> assertThat(options.cudaDeviceIndex()).isEqualTo(3));
    }

    @Test
    void keepsTheConfiguredDeviceWithoutAGpuResourceOrOnCpu() throws Exception {
        open(CUDA.withCudaDeviceIndex(1), Map.of());
        harness.close();
        open(RunnerOptions.cpu(2), Map.of("gpu", Set.of(new Gpu("3"))));
        assertThat(FakePipelineFactory.OPENED_WITH).extracting(RunnerOptions::cudaDeviceIndex).containsExactly(1, 0);
    }

    @Test
    void closesThePipelineBeforeItsResources() throws Exception {
        open(CUDA, Map.of());
        harness.processElement(new StreamRecord<>(Frames.envelope(0), 10));
        harness.endInput();
        harness.close();
        harness = null;

        assertThat(FakePipelineFactory.EVENTS).containsExactly("resources closed after the pipeline");
        assertThat(FakePipelineFactory.runner.closed).isTrue();
    }

    @Test
    void aFrameThePipelineRefusesBecomesADeadLetterNotAFailure() throws Exception {
        open(CUDA, Map.of());
        BatchingInferenceFunction fn = (BatchingInferenceFunction) ((org.apache.flink.streaming.api.operators
                .AbstractUdfStreamOperator<?, ?>) harness.getOperator()).getUserFunction();
        FakePipelineFactory.lastPipeline.close();
        CapturingResultFuture result = new CapturingResultFuture();

        fn.asyncInvoke(Frames.envelope(3), result);

        FrameOutcome outcome = result.single.get(30, TimeUnit.SECONDS);
        assertThat(outcome.getDeadLetter().getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(outcome.getDeadLetter().getMessage()).contains("closed");
        assertCounted(1, 0, 1);
    }

    /** A GPU as Flink's GPU driver describes it. */
    private record Gpu(String index) implements ExternalResourceInfo {
        @Override
        public Optional<String> getProperty(String key) {
            return "index".equals(key) ? Optional.of(index) : Optional.empty();
        }

        @Override
        public Collection<String> getKeys() {
            return Set.of("index");
        }
    }

    /** Keeps the one outcome a function completes with; fails the test on an exceptional completion. */
    private static final class CapturingResultFuture implements ResultFuture<FrameOutcome> {
        final CompletableFuture<FrameOutcome> single = new CompletableFuture<>();

        @Override
        public void complete(Collection<FrameOutcome> result) {
            assertThat(result).hasSize(1);
            single.complete(result.iterator().next());
        }

        @Override
        public void completeExceptionally(Throwable error) {
            single.completeExceptionally(new AssertionError("completed exceptionally", error));
        }

        @Override
        public void complete(CollectionSupplier<FrameOutcome> supplier) {
            try {
                complete(supplier.get());
            } catch (Exception e) {
                single.completeExceptionally(e);
            }
        }
    }
}
