package io.flinkvision.core.detection;

import io.flinkvision.core.model.DecoderParameters.YoloxGrid;
import io.flinkvision.core.runtime.Tensor;
import java.util.Map;

/**
 * YOLOX's anchor-free head, as its demo decodes it: cell {@code i} of stride {@code s} at grid
 * position {@code (gx, gy)} holds {@code [x, y, w, h, objectness, class scores...]};
 * {@code cx = (x + gx) s}, {@code cy = (y + gy) s}, {@code w = exp(w) s}, {@code h = exp(h) s}, in
 * input pixels; the score of class c is {@code objectness * score_c} (both already sigmoid-activated).
 * Cells run stride by stride in the grid's order, row-major (y, then x) within a stride.
 */
final class YoloxDecoder implements DetectionDecoder {
    private final String output;
    private final int classes;
    private final int cells;
    /** Per cell: grid x, grid y and stride. */
    private final float[] gridX;
    private final float[] gridY;
    private final float[] stride;

    YoloxDecoder(YoloxGrid grid, int inputWidth, int inputHeight, int classes, String output) {
        this.output = output;
        this.classes = classes;
        this.cells = grid.cells(inputWidth, inputHeight);
        this.gridX = new float[cells];
        this.gridY = new float[cells];
        this.stride = new float[cells];
        int i = 0;
        for (int s : grid.strides()) {
            for (int y = 0; y < inputHeight / s; y++) {
                for (int x = 0; x < inputWidth / s; x++, i++) {
                    gridX[i] = x;
                    gridY[i] = y;
                    stride[i] = s;
                }
            }
        }
    }

    @Override
    public void decode(Map<String, Tensor> outputs, float scoreThreshold, Candidates out) {
        int row = 5 + classes;
        float[] v = DetectionDecoder.require(outputs, output, cells * row).floats();
        for (int i = 0, base = 0; i < cells; i++, base += row) {
            float objectness = v[base + 4];
            if (!(objectness >= 0f && objectness <= 1f)) {
                throw new IllegalArgumentException("YOLOX objectness of cell " + i + " is " + objectness
                        + ", not a sigmoid output in [0, 1]: is this a YOLOX export with raw (undecoded) outputs?");
            }
            if (objectness < scoreThreshold) {
                continue; // class scores are <= 1, so no class of this cell can reach the threshold
            }
            float s = stride[i];
            float cx = (v[base] + gridX[i]) * s;
            float cy = (v[base + 1] + gridY[i]) * s;
            float w = (float) Math.exp(v[base + 2]) * s;
            float h = (float) Math.exp(v[base + 3]) * s;
            for (int c = 0; c < classes; c++) {
                float classScore = v[base + 5 + c];
                if (!(classScore >= 0f && classScore <= 1f)) {
                    throw new IllegalArgumentException("YOLOX class score " + c + " of cell " + i + " is "
                            + classScore + ", not a sigmoid output in [0, 1]");
                }
                float score = objectness * classScore;
                if (score >= scoreThreshold) {
                    out.add(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, c);
                }
            }
        }
    }
}
