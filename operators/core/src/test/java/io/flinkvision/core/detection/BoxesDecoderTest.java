package io.flinkvision.core.detection;

import static io.flinkvision.core.detection.DecoderTestSupport.assertCandidate;
import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.model.BoxFormat;
import io.flinkvision.core.model.DecoderParameters.BoxOutputs;
import io.flinkvision.core.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link BoxesDecoder}: separate and combined outputs, count and padding rows, box formats, normalised boxes. */
class BoxesDecoderTest {

    @Test
    void separateOutputsWithInt64ClassesAndACount() {
        BoxesDecoder decoder = new BoxesDecoder(new BoxOutputs("boxes", "scores", "labels", "num", BoxFormat.XYXY, false),
                640, 640);
        float[] boxes = {
            10, 20, 30, 40, // 0.9, class 2: kept
            0, 0, 5, 5, // 0.2: below the threshold
            1, 2, 3, 4, // 0.5, class 0: kept
            7, 7, 9, 9, // 0.99, but past the count of 3
            0, 0, 0, 0};
        Candidates c = new Candidates();
        decoder.decode(Map.of(
                "boxes", Tensor.ofFloats(new long[] {5, 4}, boxes),
                "scores", Tensor.ofFloats(new long[] {5}, new float[] {0.9f, 0.2f, 0.5f, 0.99f, 0f}),
                "labels", Tensor.ofLongs(new long[] {5}, new long[] {2, 1, 0, 1, -1}),
                "num", Tensor.ofLongs(new long[] {1}, new long[] {3})), 0.3f, c);
        assertThat(c.size()).isEqualTo(2);
        assertCandidate(c, 0, 10, 20, 30, 40, 0.9, 2);
        assertCandidate(c, 1, 1, 2, 3, 4, 0.5, 0);
    }

    @Test
    void combinedRowsInTensorFlowOrderAndNormalisedToTheInput() {
        // input 100 wide, 50 high; (ymin, xmin, ymax, xmax) = (0.1, 0.2, 0.5, 0.6) -> x 20..60, y 5..25
        BoxesDecoder decoder = new BoxesDecoder(new BoxOutputs("dets", null, null, null, BoxFormat.YXYX, true), 100, 50);
        float[] rows = {
            0.1f, 0.2f, 0.5f, 0.6f, 0.8f, 3,
            0, 0, 0, 0, 0f, 0, // padding: score 0
            0.3f, 0.3f, 0.4f, 0.4f, 0.7f, -1}; // class -1: padding too
        Candidates c = new Candidates();
        decoder.decode(Map.of("dets", Tensor.ofFloats(new long[] {3, 6}, rows)), 0f, c);
        assertThat(c.size()).isEqualTo(1);
        assertCandidate(c, 0, 20, 5, 60, 25, 0.8, 3);
    }

    @Test
    void centreSizeBoxesWithoutClassesAreClassZero() {
        BoxesDecoder decoder = new BoxesDecoder(new BoxOutputs("b", "s", null, null, BoxFormat.CXCYWH, false), 100, 100);
        Candidates c = new Candidates();
        decoder.decode(Map.of("b", Tensor.ofFloats(new long[] {1, 4}, new float[] {50, 50, 20, 10}),
                "s", Tensor.ofFloats(new long[] {1}, new float[] {0.6f})), 0.3f, c);
        assertThat(c.size()).isEqualTo(1);
        assertCandidate(c, 0, 40, 45, 60, 55, 0.6, 0);
    }
}
