package io.flinkvision.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.model.DecoderKind;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.core.testing.Frames;
import io.flinkvision.core.testing.TinyOnnx;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generalised inference path on a real ONNX Runtime session: a uint8 model with three outputs
 * (float boxes, float scores, int64 classes), typed tensors through {@link OnnxModelRunner}, and
 * the detection translator inside {@link InferencePipeline}. The model's outputs are worked out by
 * hand from the flat colour of each frame ({@link TinyOnnx#writeBoxesDetector}).
 */
class TypedTensorPipelineTest {
    @TempDir
    Path tmp;

    @Test
    void theRunnerTakesUint8SamplesAndReturnsEveryOutputInItsOwnType() throws Exception {
        ModelSpec spec = ModelSpec.builder().modelPath(TinyOnnx.writeBoxesDetector(tmp.resolve("d.onnx"), 4)).build();
        assertThat(spec.preprocess().elementType()).isEqualTo(InputElementType.UINT8);
        long[] shape = {3, 4, 4};
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            List<Map<String, Tensor>> out = runner.run(List.of(
                    Map.of("image", Tensor.ofUint8(shape, flat(16, 10, 20, 230))),
                    Map.of("image", Tensor.ofUint8(shape, flat(16, 30, 200, 5)))));
            assertThat(out).hasSize(2);
            assertThat(out.get(0).get("boxes").shape()).containsExactly(1, 4);
            assertThat(out.get(0).get("boxes").floats()).containsExactly(10f, 20f, 240f, 250f);
            assertThat(out.get(1).get("boxes").floats()).containsExactly(30f, 200f, 35f, 205f);
            assertThat(out.get(0).get("scores").floats()[0]).isEqualTo(230f / 255f);
            assertThat(out.get(1).get("classes").type()).isEqualTo(Tensor.ElementType.INT64);
            assertThat(out.get(0).get("classes").longs()).containsExactly(2L);
            assertThat(out.get(1).get("classes").longs()).containsExactly(1L);
        }
    }

    @Test
    void detectionFramesGoThroughTheOnePipeline() throws Exception {
        ModelSpec spec = ModelSpec.builder().modelPath(TinyOnnx.writeBoxesDetector(tmp.resolve("d.onnx"), 256))
                .build();
        assertThat(spec.detection().decoder()).isEqualTo(DecoderKind.BOXES);
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1));
                InferencePipeline pipeline = InferencePipeline.builderFor(spec, runner,
                        new PipelineSettings(2, 50, 1, 1, 1_000_000)).build()) {
            // 512x512 frames into the 256x256 input: r = 0.5, no padding; a box in input pixels
            // is twice as large in the frame
            CompletableFuture<FrameOutcome> blue = pipeline.submit(rgbFrame(0, 512, 10, 20, 230));
            CompletableFuture<FrameOutcome> green = pipeline.submit(rgbFrame(1, 512, 30, 200, 5));
            CompletableFuture<FrameOutcome> dark = pipeline.submit(rgbFrame(2, 512, 30, 20, 40));

            Detection b = single(blue.get(30, TimeUnit.SECONDS));
            assertThat(b.getClassIndex()).isEqualTo(2);
            assertThat(b.getLabel()).isEqualTo("class_2");
            assertThat(b.getScore()).isEqualTo(230f / 255f);
            assertThat(List.of(b.getXMin(), b.getYMin(), b.getXMax(), b.getYMax())).containsExactly(20f, 40f, 480f, 500f);
            Detection g = single(green.get(30, TimeUnit.SECONDS));
            assertThat(g.getClassIndex()).isEqualTo(1);
            assertThat(List.of(g.getXMin(), g.getYMin(), g.getXMax(), g.getYMax())).containsExactly(60f, 400f, 70f, 410f);
            // 40 / 255 = 0.16 is under the default score threshold 0.3: labelled, with no box
            FrameOutcome none = dark.get(30, TimeUnit.SECONDS);
            assertThat(none.getLabelled()).isNotNull();
            assertThat(none.getLabelled().getDetections()).isEmpty();
            assertThat(none.getLabelled().getTopK()).isEmpty();
        }
    }

    private static Detection single(FrameOutcome outcome) {
        assertThat(outcome.getLabelled()).as("labelled: %s", outcome).isNotNull();
        assertThat(outcome.getLabelled().getDetections()).hasSize(1);
        return outcome.getLabelled().getDetections().get(0);
    }

    /** NCHW planes of one colour. */
    private static byte[] flat(int pixels, int r, int g, int b) {
        byte[] out = new byte[3 * pixels];
        java.util.Arrays.fill(out, 0, pixels, (byte) r);
        java.util.Arrays.fill(out, pixels, 2 * pixels, (byte) g);
        java.util.Arrays.fill(out, 2 * pixels, 3 * pixels, (byte) b);
        return out;
    }

    private static FrameEnvelope rgbFrame(long sequence, int size, int r, int g, int b) {
        byte[] px = new byte[size * size * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        FrameEnvelope envelope = Frames.envelope(sequence);
        Frame frame = envelope.getFrame();
        frame.setEncoding(FrameEncoding.RGB24);
        frame.setWidth(size);
        frame.setHeight(size);
        frame.setPayload(ByteBuffer.wrap(px));
        return envelope;
    }
}
