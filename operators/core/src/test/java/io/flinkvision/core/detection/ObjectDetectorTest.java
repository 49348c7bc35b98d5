package io.flinkvision.core.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.model.DecoderKind;
import io.flinkvision.core.model.DecoderParameters.YoloxGrid;
import io.flinkvision.core.model.DetectionSpec;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Detection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ObjectDetector}: decode, suppress per class, map to frame pixels. A 128x64 frame letterboxed
 * into a 64x64 YOLOX input (r = 0.5, padding below input row 32).
 */
class ObjectDetectorTest {
    private static final int ROW = 7;
    private static final ImagePlacement PLACEMENT = new ImagePlacement(128, 64, 0.5, 0.5, 0, 0);

    @Test
    void suppressesPerClassAndReportsFramePixels() {
        List<Detection> detections = detect(100).detections();

        assertThat(detections).extracting(Detection::getLabel).containsExactly("cat", "dog");
        Detection cat = detections.get(0);
        assertThat(cat.getClassIndex()).isZero();
        assertThat(cat.getScore()).isEqualTo(0.9f * 0.9f);
        // input (0, 0)-(16, 16) / 0.5
        assertThat(List.of(cat.getXMin(), cat.getYMin(), cat.getXMax(), cat.getYMax())).containsExactly(0f, 0f, 32f, 32f);
        Detection dog = detections.get(1);
        assertThat(dog.getClassIndex()).isEqualTo(1);
        assertThat(dog.getScore()).isEqualTo(0.8f * 0.5f);
        assertThat(List.of(dog.getXMin(), dog.getYMin(), dog.getXMax(), dog.getYMax())).containsExactly(0f, 0f, 32f, 32f);
    }

    @Test
    void aBoxInThePaddingNeitherCountsNorTakesAPlace() {
        // The best candidate (0.95) lies in the padding: with one detection allowed, the cat still gets it
        DetectionResult result = detect(1);
        assertThat(result.candidates()).isEqualTo(4);
        assertThat(result.detections()).extracting(Detection::getLabel).containsExactly("cat");
    }

    private static DetectionResult detect(int maxDetections) {
        float[] v = new float[84 * ROW];
        // cell 9 = stride 8 (1, 1): centre (8, 8), size 16 -> (0, 0, 16, 16); cat 0.81
        put(v, 9, 0f, 0f, (float) Math.log(2), (float) Math.log(2), 0.9f, 0.9f, 0f);
        // cell 10 = (2, 1) shifted one cell left: the same box; cat 0.72 (suppressed by the 0.81), dog 0.4 (kept)
        put(v, 10, -1f, 0f, (float) Math.log(2), (float) Math.log(2), 0.8f, 0.9f, 0.5f);
        // cell 60 = (4, 7): centre (32, 60), input rows 56..64 are padding (the image ends at row 32)
        put(v, 60, 0f, 0.5f, 0f, 0f, 0.95f, 1f, 0f);
        DetectionSpec spec = new DetectionSpec(DecoderKind.YOLOX, new YoloxGrid(YoloxGrid.DEFAULT_STRIDES),
                List.of("output"), 2, 0.3f, 0.45f, maxDetections);
        ObjectDetector detector = new ObjectDetector(spec, List.of("cat", "dog"), 64, 64);
        return detector.detect(Map.of("output", Tensor.ofFloats(new long[] {84, ROW}, v)), PLACEMENT);
    }

    private static void put(float[] v, int cell, float x, float y, float w, float h, float objectness, float c0,
            float c1) {
        System.arraycopy(new float[] {x, y, w, h, objectness, c0, c1}, 0, v, cell * ROW, ROW);
    }
}
