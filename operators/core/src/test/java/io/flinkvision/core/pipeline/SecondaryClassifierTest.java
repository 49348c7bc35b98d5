package io.flinkvision.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.classification.TopKClassifier;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.testing.TinyOnnx;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detect, then classify: boxes cropped from the decoded frame, classified by a real ONNX classifier;
 * what each box gets is compared with the same classifier run directly on the same pixels, cut out
 * here by hand.
 */
class SecondaryClassifierTest {
    @TempDir
    Path tmp;

    /** A 6x4 frame whose pixel (x, y) is (10x + y, 100 + x, 200 - y): every crop has its own pixels. */
    private static RgbImage gradient() {
        int w = 6;
        int h = 4;
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (10 * x + y);
                px[i + 1] = (byte) (100 + x);
                px[i + 2] = (byte) (200 - y);
            }
        }
        return new RgbImage(w, h, px);
    }

    private static Detection box(float score, float x1, float y1, float x2, float y2) {
        return Detection.newBuilder().setClassIndex(0).setLabel("thing").setScore(score)
                .setXMin(x1).setYMin(y1).setXMax(x2).setYMax(y2).build();
    }

    @Test
    void aCropHoldsThePixelsTheBoxTouchesInsideTheFrame() {
        RgbImage frame = gradient();
        // x 1.5..3.2 touches pixel columns 1, 2, 3; y 0.0..1.0 touches row 0 only
        RgbImage crop = SecondaryClassifier.crop(frame, box(1, 1.5f, 0f, 3.2f, 1f));
        assertThat(crop.width()).isEqualTo(3);
        assertThat(crop.height()).isEqualTo(1);
        assertThat(crop.pixels()).containsExactly(10, 101, (byte) 200, 20, 102, (byte) 200, 30, 103, (byte) 200);
        // Beyond the frame: clipped to it; degenerate: still one pixel
        RgbImage clipped = SecondaryClassifier.crop(frame, box(1, -4f, 2.5f, 99f, 99f));
        assertThat(clipped.width()).isEqualTo(6);
        assertThat(clipped.height()).isEqualTo(2);
        assertThat(clipped.pixels()[0]).isEqualTo((byte) 2); // pixel (0, 2)
        RgbImage point = SecondaryClassifier.crop(frame, box(1, 5.5f, 3.5f, 5.5f, 3.5f));
        assertThat(point.pixels()).containsExactly(53, 105, (byte) 197);
    }

    @Test
    void classifiesTheBoxesAboveTheScoreUpToTheCapWithTheClassifiersOwnAnswer() throws Exception {
        ModelSpec classifier = ModelSpec.builder()
                .modelPath(TinyOnnx.write(tmp.resolve("c.onnx"), new TinyOnnx.Spec(false, false, -1, 8, 8, 6, false)))
                .topK(3).build();
        RgbImage frame = gradient();
        List<Detection> boxes = List.of(box(0.9f, 0, 0, 3, 2), box(0.8f, 2, 1, 6, 4), box(0.3f, 0, 0, 6, 4),
                box(0.7f, 4, 0, 6, 1));
        try (OnnxModelRunner runner = new OnnxModelRunner(classifier, RunnerOptions.cpu(1))) {
            SecondaryClassifier secondary = new SecondaryClassifier(runner, new SecondarySettings(0.5f, 2));
            SecondaryClassifier.Classified out = secondary.classify(frame, boxes);

            assertThat(out.classifiedBoxes()).isEqualTo(2);
            assertThat(out.detections()).hasSize(4);
            assertThat(out.detections().get(0).getSecondaryTopK()).isEqualTo(direct(runner, frame, 0, 0, 3, 2));
            assertThat(out.detections().get(1).getSecondaryTopK()).isEqualTo(direct(runner, frame, 2, 1, 4, 3));
            assertThat(out.detections().get(0).getSecondaryTopK()).hasSize(3)
                    .isNotEqualTo(out.detections().get(1).getSecondaryTopK());
            assertThat(out.detections().get(2).getSecondaryTopK()).as("below the score").isEmpty();
            assertThat(out.detections().get(3).getSecondaryTopK()).as("over the cap of 2").isEmpty();
            assertThat(out.detections().get(1).getScore()).as("the box itself is kept").isEqualTo(0.8f);
            assertThat(boxes.get(0).getSecondaryTopK()).as("the input is not changed").isEmpty();
        }
    }

    @Test
    void refusesADetectorAsTheSecondaryModelAndBadSettings() {
        ModelSpec detector = ModelSpec.builder().modelPath(TinyOnnx.writeBoxesDetector(tmp.resolve("d.onnx"), 4)).build();
        try (OnnxModelRunner runner = new OnnxModelRunner(detector, RunnerOptions.cpu(1))) {
            assertThatThrownBy(() -> new SecondaryClassifier(runner, new SecondarySettings(0.5f, 1)))
                    .hasMessageContaining("must be a classifier");
        }
        assertThatThrownBy(() -> new SecondarySettings(1.5f, 1)).hasMessageContaining("--secondary-min-score");
        assertThatThrownBy(() -> new SecondarySettings(0.5f, 0)).hasMessageContaining("--secondary-max-boxes");
    }

    @Test
    void detectThenClassifyGoesThroughTheOnePipeline() throws Exception {
        ModelSpec detector = ModelSpec.builder().modelPath(TinyOnnx.writeBoxesDetector(tmp.resolve("d.onnx"), 64))
                .build();
        ModelSpec classifier = ModelSpec.builder()
                .modelPath(TinyOnnx.write(tmp.resolve("c.onnx"), new TinyOnnx.Spec(false, false, -1, 8, 8, 6, false)))
                .topK(2).build();
        try (OnnxModelRunner detectorRunner = new OnnxModelRunner(detector, RunnerOptions.cpu(1));
                OnnxModelRunner classifierRunner = new OnnxModelRunner(classifier, RunnerOptions.cpu(1));
                InferencePipeline pipeline = InferencePipeline.builderFor(detector, detectorRunner,
                        new PipelineSettings(2, 50, 1, 1, 1_000_000),
                        new SecondaryClassifier(classifierRunner, new SecondarySettings(0.5f, 4))).build()) {
            // A flat 128x128 frame (r, g, b) = (10, 20, 230): the detector's box is (10, 20, 240, 250)
            // in its 64x64 input, twice that in the frame, clipped to it: (20, 40, 128, 128)
            int size = 128;
            byte[] px = new byte[size * size * 3];
            for (int i = 0; i < px.length; i += 3) {
                px[i] = 10;
                px[i + 1] = 20;
                px[i + 2] = (byte) 230;
            }
            var envelope = io.flinkvision.core.testing.Frames.envelope(0);
            envelope.getFrame().setEncoding(io.flinkvision.schemas.FrameEncoding.RGB24);
            envelope.getFrame().setWidth(size);
            envelope.getFrame().setHeight(size);
            envelope.getFrame().setPayload(ByteBuffer.wrap(px));
            FrameOutcome outcome = pipeline.submit(envelope).get(30, TimeUnit.SECONDS);

            assertThat(outcome.getLabelled()).as("labelled: %s", outcome).isNotNull();
            List<Detection> found = outcome.getLabelled().getDetections();
            assertThat(found).hasSize(1);
            Detection d = found.get(0);
            assertThat(List.of(d.getXMin(), d.getYMin(), d.getXMax(), d.getYMax())).containsExactly(20f, 40f, 128f, 128f);
            RgbImage frame = new RgbImage(size, size, px);
            assertThat(d.getSecondaryTopK()).hasSize(2).isEqualTo(direct(classifierRunner, frame, 20, 40, 108, 88));
        }
    }

    /** The classifier's top-k of the {@code w x h} pixels at (x, y), cut out by hand. */
    private static List<Classification> direct(OnnxModelRunner runner, RgbImage frame, int x, int y, int w, int h)
            throws Exception {
        byte[] px = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(frame.pixels(), ((y + row) * frame.width() + x) * 3, px, row * w * 3, w * 3);
        }
        float[] sample = new ImagePreprocessor(runner.spec().preprocess()).preprocess(new RgbImage(w, h, px));
        float[] scores = runner.run(new float[][] {sample})[0];
        return new TopKClassifier(runner.spec()).classify(scores);
    }
}
