package io.flinkvision.modelgen.efficientdet;

import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Cell;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Edge;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.FpnNode;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Head;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.SeparableConv;
import io.flinkvision.modelgen.efficientnet.ReferenceForward;

import java.util.ArrayList;
import java.util.List;

import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.BATCH_NORM_EPSILON;
import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.FUSION_EPSILON;
import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.MAX_LEVEL;
import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.MIN_LEVEL;

/**
 * A plain-Java float32 forward pass of an EfficientDet (NCHW arrays, eval mode), independent of ONNX
 * Runtime: the backbone and every convolution run through {@link ReferenceForward}; pooling, upsampling,
 * fusion and the output layout are here. Slow; meant for probes and small test inputs.
 */
public final class EfficientDetReferenceForward {

    /** {@code classLogits} [batch, anchors, classes] and {@code boxDeltas} [batch, anchors, 4], row-major. */
    public record Outputs(float[] classLogits, float[] boxDeltas) {}

    private final EfficientDetArchitecture arch;
    private final EfficientDetWeights weights;
    private final ReferenceForward layers;

    public EfficientDetReferenceForward(EfficientDetArchitecture arch, EfficientDetWeights weights) {
        this(arch, weights, (conv, output, batch) -> { });
    }

    /** {@code observer} sees every convolution's output before its BatchNorm (the calibration sets statistics there). */
    public EfficientDetReferenceForward(EfficientDetArchitecture arch, EfficientDetWeights weights,
                                        ReferenceForward.ConvObserver observer) {
        this.arch = arch;
        this.weights = weights;
        this.layers = new ReferenceForward(arch.backbone(), weights.layers(), observer);
    }

    /** Runs an input [batch, 3, R, R] (R = the architecture's resolution). */
    public Outputs run(float[] input, int batch) {
        List<float[]> feats = pyramid(input, batch);
        int anchors = arch.anchorCount();
        float[] classes = head(arch.classNet(), feats, batch, anchors);
        float[] boxes = head(arch.boxNet(), feats, batch, anchors);
        return new Outputs(classes, boxes);
    }

    /** P3..P7 after the last BiFPN cell. */
    List<float[]> pyramid(float[] input, int batch) {
        int w = arch.variant().bifpnWidth();
        float[][] taps = layers.blockOutputs(input, batch, arch.backboneTaps());
        float[] p6 = maxPool(layers.convBn(arch.p6Resample(), taps[2], batch, BATCH_NORM_EPSILON, false),
                batch, w, arch.featureSize(5));
        float[] p7 = maxPool(p6, batch, w, arch.featureSize(6));
        List<float[]> feats = new ArrayList<>(List.of(taps[0], taps[1], taps[2], p6, p7));
        for (Cell cell : arch.cells()) {
            List<float[]> all = new ArrayList<>(feats);
            for (FpnNode node : cell.nodes()) {
                all.add(node(node, all, batch));
            }
            feats = new ArrayList<>();
            for (int out : cell.outputs()) {
                feats.add(all.get(out));
            }
        }
        return feats;
    }

    private float[] node(FpnNode node, List<float[]> all, int batch) {
        int w = arch.variant().bifpnWidth();
        List<float[]> inputs = new ArrayList<>();
        for (Edge e : node.inputs()) {
            float[] x = all.get(e.source());
            int size = node.size();
            if (e.resample() != null) {
                x = layers.convBn(e.resample(), x, batch, BATCH_NORM_EPSILON, false);
            }
            x = switch (e.resize()) {
                case NONE -> x;
                case DOWN -> maxPool(x, batch, w, size * 2);
                case UP -> upsample2x(x, batch, w, size / 2);
            };
            inputs.add(x);
        }
        float[] fused = fuse(node, inputs);
        ReferenceForward.swish(fused);
        return separable(node.conv(), fused, batch, false);
    }

    /** Fast normalized fusion in the order the ONNX graph computes it: relu(w_i) / (sum_j relu(w_j) + eps), then sum_i x_i * that. */
    private float[] fuse(FpnNode node, List<float[]> inputs) {
        int k = inputs.size();
        float[] factors = new float[k];
        boolean weighted = node.inputs().get(0).fusionWeight() != null;
        if (weighted) {
            float sum = 0;
            for (int i = 0; i < k; i++) {
                factors[i] = Math.max(0f, weights.get(node.inputs().get(i).fusionWeight()).data()[0]);
                sum += factors[i];
            }
            float denominator = sum + FUSION_EPSILON;
            for (int i = 0; i < k; i++) {
                factors[i] = factors[i] / denominator;
            }
        }
        float[] out = new float[inputs.get(0).length];
        for (int p = 0; p < out.length; p++) {
            float acc = 0;
            for (int i = 0; i < k; i++) {
                acc += weighted ? inputs.get(i)[p] * factors[i] : inputs.get(i)[p];
            }
            out[p] = acc;
        }
        return out;
    }

    /** Depthwise conv (no bias), pointwise conv with bias, then the pointwise layer's BatchNorm (if any) and SiLU if asked. */
    private float[] separable(SeparableConv conv, float[] x, int batch, boolean activation) {
        float[] y = layers.conv(conv.depthwise(), x, batch);
        return layers.convBn(conv.pointwise(), y, batch, BATCH_NORM_EPSILON, activation);
    }

    /** The net at every level, laid out as [batch, anchors, outputsPerAnchor] over P3..P7. */
    private float[] head(Head head, List<float[]> feats, int batch, int anchors) {
        int perAnchor = head.outputsPerAnchor();
        float[] out = new float[batch * anchors * perAnchor];
        int anchorOffset = 0;
        for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
            int l = level - MIN_LEVEL;
            float[] x = feats.get(l);
            for (SeparableConv conv : head.layers().get(l)) {
                x = separable(conv, x, batch, true);
            }
            x = separable(head.predict().get(l), x, batch, false);
            // NCHW [batch, 9 * K, H, W] to [batch, H * W * 9, K]: channel a * K + k of pixel (y, x) is
            // anchor (y * W + x) * 9 + a, output k, as the reference reshapes its NHWC prediction.
            int channels = head.predict().get(l).pointwise().outChannels();
            int spatial = arch.featureSize(level) * arch.featureSize(level);
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < channels; c++) {
                    int a = c / perAnchor;
                    int k = c % perAnchor;
                    for (int p = 0; p < spatial; p++) {
                        int anchor = anchorOffset + p * EfficientDetArchitecture.ANCHORS_PER_LOCATION + a;
                        out[(n * anchors + anchor) * perAnchor + k] = x[(n * channels + c) * spatial + p];
                    }
                }
            }
            anchorOffset += arch.anchorsAtLevel(level);
        }
        return out;
    }

    /**
     * 3x3 max-pool, stride 2, TensorFlow "SAME" padding (output ceil(size / 2), the odd padding pixel at
     * the end); padded cells never win.
     */
    static float[] maxPool(float[] x, int batch, int channels, int size) {
        int out = (size + 1) / 2;
        int padTotal = Math.max((out - 1) * 2 + 3 - size, 0);
        int padBegin = padTotal / 2;
        float[] y = new float[batch * channels * out * out];
        for (int plane = 0; plane < batch * channels; plane++) {
            int in = plane * size * size;
            int o = plane * out * out;
            for (int oy = 0; oy < out; oy++) {
                for (int ox = 0; ox < out; ox++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < 3; ky++) {
                        int iy = oy * 2 - padBegin + ky;
                        if (iy < 0 || iy >= size) {
                            continue;
                        }
                        for (int kx = 0; kx < 3; kx++) {
                            int ix = ox * 2 - padBegin + kx;
                            if (ix >= 0 && ix < size) {
                                m = Math.max(m, x[in + iy * size + ix]);
                            }
                        }
                    }
                    y[o + oy * out + ox] = m;
                }
            }
        }
        return y;
    }

    /** Nearest-neighbour 2x upsampling: output (y, x) takes input (y / 2, x / 2). */
    static float[] upsample2x(float[] x, int batch, int channels, int size) {
        int out = size * 2;
        float[] y = new float[batch * channels * out * out];
        for (int plane = 0; plane < batch * channels; plane++) {
            int in = plane * size * size;
            int o = plane * out * out;
            for (int oy = 0; oy < out; oy++) {
                for (int ox = 0; ox < out; ox++) {
                    y[o + oy * out + ox] = x[in + (oy / 2) * size + ox / 2];
                }
            }
        }
        return y;
    }
}
