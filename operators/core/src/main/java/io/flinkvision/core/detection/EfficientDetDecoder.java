package io.flinkvision.core.detection;

import io.flinkvision.core.model.DecoderParameters.AnchorGrid;
import io.flinkvision.core.runtime.Tensor;
import java.util.Map;

/**
 * EfficientDet's anchors and box deltas, as its reference decodes them. Anchor order: level by level
 * (stride {@code 2^level}), then row, column, then the anchors of a location (scale octave major,
 * aspect ratio minor); anchor centre {@code ((y + 0.5) s, (x + 0.5) s)}, size
 * {@code anchorScale * s * 2^(o / octaves)} times the ratio's (width, height) multipliers. Deltas
 * {@code (ty, tx, th, tw)}: {@code yc = ty ha + yca}, {@code xc = tx wa + xca}, {@code h = exp(th) ha},
 * {@code w = exp(tw) wa}; boxes clipped to the input. Scores are {@code sigmoid(logit)} per class.
 *
 * <p>A frame has {@code anchors x classes} logits (4.4 million for D0 with 90 classes), so the
 * threshold is compared in logit space, where it is one comparison per value, and only boxes of
 * anchors with a passing class are decoded.
 */
final class EfficientDetDecoder implements DetectionDecoder {
    private final String classOutput;
    private final String boxOutput;
    private final int classes;
    private final int anchors;
    private final int inputWidth;
    private final int inputHeight;
    /** Per anchor: centre y, centre x, height, width, in input pixels. */
    private final float[] anchorY;
    private final float[] anchorX;
    private final float[] anchorH;
    private final float[] anchorW;

    EfficientDetDecoder(AnchorGrid grid, int inputWidth, int inputHeight, int classes, String classOutput,
            String boxOutput) {
        this.classOutput = classOutput;
        this.boxOutput = boxOutput;
        this.classes = classes;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.anchors = grid.anchors(inputWidth, inputHeight);
        this.anchorY = new float[anchors];
        this.anchorX = new float[anchors];
        this.anchorH = new float[anchors];
        this.anchorW = new float[anchors];
        double[][] ratios = grid.aspectRatios();
        int a = 0;
        for (int level = grid.minLevel(); level <= grid.maxLevel(); level++) {
            int s = 1 << level;
            for (int y = 0; y < inputHeight / s; y++) {
                for (int x = 0; x < inputWidth / s; x++) {
                    for (int octave = 0; octave < grid.scalesPerOctave(); octave++) {
                        double base = grid.anchorScale() * s * Math.pow(2, (double) octave / grid.scalesPerOctave());
                        for (double[] ratio : ratios) {
                            anchorY[a] = (float) ((y + 0.5) * s);
                            anchorX[a] = (float) ((x + 0.5) * s);
                            anchorH[a] = (float) (base * ratio[1]);
                            anchorW[a] = (float) (base * ratio[0]);
                            a++;
                        }
                    }
                }
            }
        }
    }

    /** The anchor's box as (ymin, xmin, ymax, xmax) in input pixels. */
    float[] anchorBox(int a) {
        return new float[] {anchorY[a] - anchorH[a] / 2, anchorX[a] - anchorW[a] / 2, anchorY[a] + anchorH[a] / 2,
                anchorX[a] + anchorW[a] / 2};
    }

    @Override
    public void decode(Map<String, Tensor> outputs, float scoreThreshold, Candidates out) {
        float[] logits = DetectionDecoder.require(outputs, classOutput, anchors * classes).floats();
        float[] deltas = DetectionDecoder.require(outputs, boxOutput, anchors * 4).floats();
        double logitThreshold = scoreThreshold <= 0f ? Double.NEGATIVE_INFINITY
                : scoreThreshold >= 1f ? Double.POSITIVE_INFINITY
                : Math.log(scoreThreshold / (1.0 - scoreThreshold));
        for (int a = 0, base = 0; a < anchors; a++, base += classes) {
            float[] box = null;
            for (int c = 0; c < classes; c++) {
                float logit = logits[base + c];
                if (logit != logit) {
                    throw new IllegalArgumentException("EfficientDet class logit " + c + " of anchor " + a + " is NaN");
                }
                // One ulp of slack at the boundary; the exact test is on the score below.
                if (logit < logitThreshold - 1e-6) {
                    continue;
                }
                float score = (float) (1.0 / (1.0 + Math.exp(-logit)));
                if (score < scoreThreshold) {
                    continue;
                }
                if (box == null) {
                    box = decodeBox(deltas, a);
                }
                out.add(box[1], box[0], box[3], box[2], score, c);
            }
        }
    }

    /** (ymin, xmin, ymax, xmax), clipped to the input. */
    private float[] decodeBox(float[] deltas, int a) {
        int d = a * 4;
        float ty = deltas[d];
        float tx = deltas[d + 1];
        float th = deltas[d + 2];
        float tw = deltas[d + 3];
        if (!(Float.isFinite(ty) && Float.isFinite(tx) && Float.isFinite(th) && Float.isFinite(tw))) {
            throw new IllegalArgumentException("EfficientDet box deltas of anchor " + a + " are not finite");
        }
        float yc = ty * anchorH[a] + anchorY[a];
        float xc = tx * anchorW[a] + anchorX[a];
        float h = (float) Math.exp(th) * anchorH[a];
        float w = (float) Math.exp(tw) * anchorW[a];
        return new float[] {clip(yc - h / 2, inputHeight), clip(xc - w / 2, inputWidth), clip(yc + h / 2, inputHeight),
                clip(xc + w / 2, inputWidth)};
    }

    private static float clip(float v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
