package io.flinkvision.core.detection;

import static io.flinkvision.core.detection.DecoderTestSupport.assertCandidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.model.DecoderParameters.YoloxGrid;
import io.flinkvision.core.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link YoloxDecoder} on a 64x64 input (strides 8, 16, 32: 64 + 16 + 4 = 84 cells, 2 classes) whose
 * cells are set by hand; expected boxes worked out from the YOLOX rules.
 */
class YoloxDecoderTest {
    private static final int CLASSES = 2;
    private static final int ROW = 5 + CLASSES;

    private final YoloxDecoder decoder = new YoloxDecoder(new YoloxGrid(YoloxGrid.DEFAULT_STRIDES), 64, 64, CLASSES, "output");

    @Test
    void decodesCellsOfEachStrideAtTheirGridPositions() {
        float[] v = quietCells();
        // stride 8, cell 7 = (gx 7, gy 0): centre (56, 0), size exp(0) * 8 = 8 -> (52, -4, 60, 4); score 1.0 * 0.6
        cell(v, 7, 0f, 0f, 0f, 0f, 1.0f, 0.6f, 0.1f);
        // stride 16, cell 64 + 1 * 4 + 2 = 70 = (gx 2, gy 1): centre ((0.5 + 2) 16, (0.25 + 1) 16) = (40, 20),
        // size (2 * 16, 1 * 16) -> (24, 12, 56, 28); scores 0.9 * 0.5 = 0.45 (dropped) and 0.9 * 0.8 = 0.72
        cell(v, 70, 0.5f, 0.25f, (float) Math.log(2), 0f, 0.9f, 0.5f, 0.8f);
        // stride 32, cell 64 + 16 + 1 * 2 + 1 = 83 = (gx 1, gy 1): centre ((-0.5 + 1) 32, (0.5 + 1) 32) = (16, 48),
        // size (0.5 * 32, 4 * 32) = (16, 128) -> (8, -16, 24, 112); score 0.8 * 1.0
        cell(v, 83, -0.5f, 0.5f, (float) Math.log(0.5), (float) Math.log(4), 0.8f, 0.0f, 1.0f);

        Candidates c = new Candidates();
        decoder.decode(Map.of("output", Tensor.ofFloats(new long[] {84, ROW}, v)), 0.5f, c);

        assertThat(c.size()).isEqualTo(3);
        assertCandidate(c, 0, 52, -4, 60, 4, 0.6, 0);
        assertCandidate(c, 1, 24, 12, 56, 28, 0.72, 1);
        assertCandidate(c, 2, 8, -16, 24, 112, 0.8, 1);
    }

    @Test
    void theScoreIsObjectnessTimesClassScore() {
        float[] v = quietCells();
        cell(v, 0, 0f, 0f, 0f, 0f, 0.5f, 0.99f, 0.7f); // 0.495 and 0.35
        Candidates c = new Candidates();
        decoder.decode(Map.of("output", Tensor.ofFloats(new long[] {84, ROW}, v)), 0.35f, c);
        assertThat(c.size()).isEqualTo(2);
        assertCandidate(c, 0, -4, -4, 4, 4, 0.495, 0);
        assertCandidate(c, 1, -4, -4, 4, 4, 0.35, 1);
    }

    @Test
    void outputsOutsideTheContractAreRejected() {
        float[] v = quietCells();
        v[10 * ROW + 4] = Float.NaN;
        assertThatThrownBy(() -> decoder.decode(Map.of("output", Tensor.ofFloats(new long[] {84, ROW}, v)), 0.3f,
                new Candidates())).hasMessageContaining("objectness of cell 10").hasMessageContaining("NaN");
        float[] logits = quietCells();
        logits[4] = 3.2f; // a raw logit: the export did not apply the sigmoid
        assertThatThrownBy(() -> decoder.decode(Map.of("output", Tensor.ofFloats(new long[] {84, ROW}, logits)), 0.3f,
                new Candidates())).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> decoder.decode(Map.of("output", Tensor.ofFloats(new long[] {83, ROW},
                new float[83 * ROW])), 0.3f, new Candidates())).hasMessageContaining("expects 588");
        assertThatThrownBy(() -> decoder.decode(Map.of("scores", Tensor.ofFloats(new long[] {84, ROW}, quietCells())),
                0.3f, new Candidates())).hasMessageContaining("no output 'output'");
    }

    /** Every cell just below any threshold used here: objectness 0.3 with class scores of 1. */
    private static float[] quietCells() {
        float[] v = new float[84 * ROW];
        for (int i = 0; i < 84; i++) {
            cell(v, i, 0f, 0f, 0f, 0f, 0.3f, 1f, 1f);
        }
        return v;
    }

    private static void cell(float[] v, int i, float x, float y, float w, float h, float objectness, float c0, float c1) {
        System.arraycopy(new float[] {x, y, w, h, objectness, c0, c1}, 0, v, i * ROW, ROW);
    }
}
