package io.flinkvision.core.detection;

import io.flinkvision.core.model.BoxFormat;
import io.flinkvision.core.model.DecoderParameters.BoxOutputs;
import io.flinkvision.core.runtime.Tensor;
import java.util.Map;

/**
 * Models that already output boxes (exported with NMS): rows of boxes with a score and a class each,
 * in {@link BoxFormat} order, in input pixels or fractions of the input size. Rows past the count
 * output (when there is one), with a negative class (padding), or scoring below the threshold are
 * dropped.
 */
final class BoxesDecoder implements DetectionDecoder {
    private final BoxOutputs names;
    private final int inputWidth;
    private final int inputHeight;

    BoxesDecoder(BoxOutputs names, int inputWidth, int inputHeight) {
        this.names = names;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
    }

    @Override
    public void decode(Map<String, Tensor> outputs, float scoreThreshold, Candidates out) {
        Tensor boxes = DetectionDecoder.require(outputs, names.boxes(), -1);
        int stride = names.combined() ? rowLength(boxes) : 4;
        if (boxes.size() % stride != 0 || (!names.combined() && boxes.rank() > 0 && boxes.dim(boxes.rank() - 1) != 4)) {
            throw new IllegalArgumentException("boxes output '" + names.boxes() + "' " + boxes
                    + " is not rows of " + stride + " values");
        }
        int rows = boxes.size() / stride;
        Tensor scores = names.combined() ? null : DetectionDecoder.require(outputs, names.scores(), rows);
        Tensor classes = names.classes() == null ? null : DetectionDecoder.require(outputs, names.classes(), rows);
        if (names.count() != null) {
            Tensor count = DetectionDecoder.require(outputs, names.count(), 1);
            rows = (int) Math.max(0, Math.min(rows, count.value(0)));
        }
        float[] b = boxes.floats();
        float[] s = scores == null ? null : scores.floats();
        float sx = names.normalized() ? inputWidth : 1f;
        float sy = names.normalized() ? inputHeight : 1f;
        for (int k = 0; k < rows; k++) {
            int base = k * stride;
            float score = s != null ? s[k] : b[base + 4];
            if (score != score) {
                throw new IllegalArgumentException("score of box " + k + " is NaN");
            }
            int c = classes != null ? (int) Math.round(classes.value(k))
                    : names.combined() ? Math.round(b[base + 5]) : 0;
            if (score < scoreThreshold || score <= 0f || c < 0) {
                continue;
            }
            float v0 = b[base];
            float v1 = b[base + 1];
            float v2 = b[base + 2];
            float v3 = b[base + 3];
            switch (names.format()) {
                case XYXY -> out.add(v0 * sx, v1 * sy, v2 * sx, v3 * sy, score, c);
                case YXYX -> out.add(v1 * sx, v0 * sy, v3 * sx, v2 * sy, score, c);
                case CXCYWH -> out.add((v0 - v2 / 2) * sx, (v1 - v3 / 2) * sy, (v0 + v2 / 2) * sx,
                        (v1 + v3 / 2) * sy, score, c);
            }
        }
    }

    /** Combined rows: 4 box values, score, class; further columns (some exports add one) are ignored. */
    private static int rowLength(Tensor boxes) {
        if (boxes.rank() < 2 || boxes.dim(boxes.rank() - 1) < 6) {
            throw new IllegalArgumentException("combined boxes output " + boxes + " needs rows of at least 6 values:"
                    + " 4 box values, score, class");
        }
        return (int) boxes.dim(boxes.rank() - 1);
    }
}
