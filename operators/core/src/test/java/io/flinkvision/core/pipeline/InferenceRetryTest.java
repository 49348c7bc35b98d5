package io.flinkvision.core.pipeline;

import static io.flinkvision.core.testing.FaultInjectingRunner.Fault.CUDA_OUT_OF_MEMORY;
import static io.flinkvision.core.testing.FaultInjectingRunner.Fault.INVALID_ARGUMENT;
import static io.flinkvision.core.testing.FaultInjectingRunner.Fault.MISSING_SAMPLE;
import static io.flinkvision.core.testing.FaultInjectingRunner.Fault.NAN_IN_FIRST_SAMPLE;
import static io.flinkvision.core.testing.FaultInjectingRunner.Fault.NONE;
import static io.flinkvision.core.testing.FaultInjectingRunner.Fault.SHORT_ROW_IN_FIRST_SAMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.InferenceFailures;
import io.flinkvision.core.runtime.InvalidModelOutputException;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.testing.CapturedLogs;
import io.flinkvision.core.testing.FaultInjectingRunner;
import io.flinkvision.core.testing.TinyOnnx;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, circuit breaking and invalid outputs, with faults injected around a real {@link
 * OnnxModelRunner} (a tiny generated classifier) and real RGB24 frames through the production
 * translator.
 */
class InferenceRetryTest {
    @TempDir
    static Path tmp;
    private static ModelSpec spec;
    private static OnnxModelRunner real;

    @BeforeAll
    static void openModel() {
        Path model = TinyOnnx.write(tmp.resolve("tiny.onnx"), new TinyOnnx.Spec(false, false, -1, 8, 8, 10, false));
        spec = ModelSpec.builder().modelPath(model).build();
        real = new OnnxModelRunner(spec, RunnerOptions.cpu(1));
    }

    @AfterAll
    static void closeModel() {
        real.close();
    }

    private final RecordingListener listener = new RecordingListener();

    /** Batches of two, retried 3 times 1 ms apart, breaker at 2 failures in a row. */
    private static PipelineSettings settings() {
        return new PipelineSettings(2, 3_600_000, 1, 1, 1_000_000).withRetries(new RetryPolicy(3, 1, 4, 2));
    }

    private List<FrameOutcome> label(FaultInjectingRunner runner, RunnerFallback fallback, int frames) throws Exception {
        List<CompletableFuture<FrameOutcome>> futures = new ArrayList<>();
        try (InferencePipeline pipeline = InferencePipeline.builderFor(spec, runner, settings())
                .listener(listener).fallback(fallback).build()) {
            for (int i = 0; i < frames; i++) {
                futures.add(pipeline.submit(frame(i)));
            }
        }
        List<FrameOutcome> outcomes = new ArrayList<>();
        for (CompletableFuture<FrameOutcome> f : futures) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    @Test
    void aTransientFailureIsRetriedAndTheFramesAreLabelled() throws Exception {
        FaultInjectingRunner runner = new FaultInjectingRunner(real, List.of(CUDA_OUT_OF_MEMORY, CUDA_OUT_OF_MEMORY), NONE);
        List<FrameOutcome> outcomes = label(runner, null, 4);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.getLabelled()).isNotNull());
        assertThat(runner.runs).hasValue(4); // batch 1: two failures, then success; batch 2 at once
        assertThat(listener.retries).hasValue(2);
    }

    @Test
    void aFailureThatStaysTransientIsDeadLetteredAfterTheLastAttempt() throws Exception {
        FaultInjectingRunner runner = new FaultInjectingRunner(real, List.of(), CUDA_OUT_OF_MEMORY);
        List<FrameOutcome> outcomes = label(runner, null, 2);
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_FAILED);
            assertThat(o.getDeadLetter().getMessage()).contains("after 3 attempts").contains("CUDA failure 2");
        });
        assertThat(runner.runs).hasValue(3);
        assertThat(runner.realRuns).hasValue(0);
    }

    @Test
    void aPermanentFailureIsNotRetried() throws Exception {
        FaultInjectingRunner runner = new FaultInjectingRunner(real, List.of(INVALID_ARGUMENT), NONE);
        List<FrameOutcome> outcomes = label(runner, null, 4);
        assertThat(outcomes.subList(0, 2)).allSatisfy(o -> {
            assertThat(o.getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_FAILED);
            assertThat(o.getDeadLetter().getMessage()).contains("invalid dimensions").doesNotContain("attempts");
        });
        assertThat(outcomes.subList(2, 4)).allSatisfy(o -> assertThat(o.getLabelled()).isNotNull());
        assertThat(runner.runs).hasValue(2);
        assertThat(listener.retries).hasValue(0);
    }

    @Test
    void aNanScoreDeadLettersOnlyItsFrameAsInvalidModelOutput() throws Exception {
        FaultInjectingRunner runner = new FaultInjectingRunner(real, List.of(NAN_IN_FIRST_SAMPLE), NONE);
        List<FrameOutcome> outcomes = label(runner, null, 2);
        assertThat(outcomes.get(0).getDeadLetter().getReason()).isEqualTo(ReasonCode.INVALID_MODEL_OUTPUT);
        assertThat(outcomes.get(0).getDeadLetter().getMessage()).contains("NaN");
        assertThat(outcomes.get(1).getLabelled()).isNotNull();
        assertThat(runner.runs).as("not retried: the same outputs would come back").hasValue(1);
    }

    @Test
    void outputsOfTheWrongShapeAreInvalidModelOutput() throws Exception {
        FaultInjectingRunner runner = new FaultInjectingRunner(real, List.of(MISSING_SAMPLE, SHORT_ROW_IN_FIRST_SAMPLE), NONE);
        List<FrameOutcome> outcomes = label(runner, null, 4);
        assertThat(outcomes.subList(0, 2)).allSatisfy(o -> {
            assertThat(o.getDeadLetter().getReason()).isEqualTo(ReasonCode.INVALID_MODEL_OUTPUT);
            assertThat(o.getDeadLetter().getMessage()).contains("returned 1 outputs for a batch of 2");
        });
        assertThat(outcomes.get(2).getDeadLetter().getReason()).isEqualTo(ReasonCode.INVALID_MODEL_OUTPUT);
        assertThat(outcomes.get(2).getDeadLetter().getMessage()).contains("9 values");
        assertThat(outcomes.get(3).getLabelled()).isNotNull();
    }

    @Test
    void aCudaDeviceThatKeepsFailingIsReplacedByTheCpuOnceWithOneLogLine() throws Exception {
        FaultInjectingRunner cuda = new FaultInjectingRunner(real, List.of(), CUDA_OUT_OF_MEMORY, DevicePlacement.cuda(0));
        AtomicInteger fallbacksOpened = new AtomicInteger();
        List<FrameOutcome> outcomes;
        try (CapturedLogs logs = CapturedLogs.of(DeviceBreaker.class)) {
            outcomes = label(cuda, () -> {
                fallbacksOpened.incrementAndGet();
                return real; // the real CPU runner: the fallback's owner (here the test) closes it
            }, 6);
            assertThat(logs.at(Level.WARN)).singleElement().asString()
                    .contains("cuda:0").contains("out of service").contains("now runs on cpu");
        }
        // Batch 1: two failures trip the breaker, its third attempt runs on the CPU; the rest go there at once.
        assertThat(outcomes).allSatisfy(o -> assertThat(o.getLabelled()).isNotNull());
        assertThat(cuda.runs).hasValue(2);
        assertThat(fallbacksOpened).hasValue(1);
        assertThat(listener.outOfService).containsExactly("cuda:0->cpu");
    }

    @Test
    void aCpuThatKeepsFailingIsReportedOnceAndStaysInUse() throws Exception {
        FaultInjectingRunner cpu = new FaultInjectingRunner(real, List.of(), CUDA_OUT_OF_MEMORY);
        List<FrameOutcome> outcomes = label(cpu, () -> {
            throw new AssertionError("a CPU runner has nothing to fall back to");
        }, 6);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.getDeadLetter().getReason()).isEqualTo(ReasonCode.INFERENCE_FAILED));
        assertThat(listener.outOfService).containsExactly("cpu->none");
        assertThat(cpu.runs).hasValue(9);
    }

    @Test
    void whatIsTransientIsWrittenDown() {
        for (OrtException.OrtErrorCode code : List.of(OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                OrtException.OrtErrorCode.ORT_EP_FAIL, OrtException.OrtErrorCode.ORT_ENGINE_ERROR,
                OrtException.OrtErrorCode.ORT_DEVICE_RESET)) {
            assertThat(InferenceFailures.isTransient(wrapped(code, "anything"))).as(code.name()).isTrue();
        }
        for (OrtException.OrtErrorCode code : List.of(OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT,
                OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED, OrtException.OrtErrorCode.ORT_INVALID_GRAPH,
                OrtException.OrtErrorCode.ORT_NO_MODEL, OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF)) {
            assertThat(InferenceFailures.isTransient(wrapped(code, "CUDA out of memory"))).as(code.name()).isFalse();
        }
        assertThat(InferenceFailures.isTransient(wrapped(OrtException.OrtErrorCode.ORT_FAIL, "Failed to allocate memory")))
                .isTrue();
        assertThat(InferenceFailures.isTransient(wrapped(OrtException.OrtErrorCode.ORT_FAIL, "Non-zero status code")))
                .isFalse();
        assertThat(InferenceFailures.isTransient(new InferenceException("the runner is closed"))).isFalse();
        assertThat(InferenceFailures.isTransient(new IllegalArgumentException("samples disagree"))).isFalse();
        assertThat(InferenceFailures.isTransient(new OutOfMemoryError("Java heap space"))).isFalse();
        assertThat(InferenceFailures.isTransient(new InvalidModelOutputException("3 outputs for 4"))).isFalse();
    }

    private static InferenceException wrapped(OrtException.OrtErrorCode code, String message) {
        return new InferenceException("ONNX Runtime failed", new OrtException(code, message));
    }

    /** A 16x16 flat-colour RGB24 frame: real pixels through the production decode and preprocess. */
    private static FrameEnvelope frame(int sequence) {
        byte[] rgb = new byte[16 * 16 * 3];
        java.util.Arrays.fill(rgb, (byte) (20 * sequence));
        Frame frame = Frame.newBuilder().setStreamId("cam").setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(1_000 + sequence)).setEncoding(FrameEncoding.RGB24)
                .setWidth(16).setHeight(16).setPayload(ByteBuffer.wrap(rgb)).setAttributes(Map.of()).build();
        return FrameEnvelope.newBuilder().setSourceTopic("frames").setSourcePartition(0).setSourceOffset(sequence)
                .setKafkaKey("cam").setKafkaTimestamp(1_000 + sequence).setFrame(frame).build();
    }

    private static final class RecordingListener implements PipelineListener {
        final AtomicInteger retries = new AtomicInteger();
        final List<String> outOfService = new CopyOnWriteArrayList<>();

        @Override
        public void batchRetried() {
            retries.incrementAndGet();
        }

        @Override
        public void deviceOutOfService(String device, String replacement) {
            outOfService.add(device + "->" + (replacement == null ? "none" : replacement));
        }
    }
}
