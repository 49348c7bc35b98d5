package io.flinkvision.modelgen.efficientnet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.Block;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.ConvSpec;

import java.util.stream.IntStream;

/**
 * A plain-Java float32 forward pass of an EfficientNet (NCHW arrays, eval mode).
 * It is slow and meant for small probe inputs: {@link ProbeCalibration} uses it to set BatchNorm
 * statistics, and tests use it as an implementation independent of ONNX Runtime.
 */
public final class ReferenceForward {

    /** Sees each convolution's output (bias added, BatchNorm not yet applied) and may update BN tensors. */
    public interface ConvObserver {
        void afterConv(ConvSpec conv, float[] output, int batch);
    }

    private static final ConvObserver NONE = (c, o, b) -> { };
    private static final long PARALLEL_THRESHOLD = 2_000_000;

    private final EfficientNetArchitecture arch;
    private final EfficientNetWeights weights;
    private final ConvObserver observer;

    public ReferenceForward(EfficientNetArchitecture arch, EfficientNetWeights weights) {
        this(arch, weights, NONE);
    }

    public ReferenceForward(EfficientNetArchitecture arch, EfficientNetWeights weights, ConvObserver observer) {
        this.arch = arch;
        this.weights = weights;
        this.observer = observer;
    }

    /** Logits [batch, classes] for an input [batch, 3, R, R] with R = the architecture's resolution. */
    public float[] logits(float[] input, int batch) {
        float[] f = features(input, batch);
        int nf = arch.features();
        int nc = arch.numClasses();
        float[] wt = weights.get(EfficientNetWeights.CLASSIFIER + ".weight").data();
        float[] bias = weights.get(EfficientNetWeights.CLASSIFIER + ".bias").data();
        float[] out = new float[batch * nc];
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < nc; k++) {
                float acc = bias[k];
                for (int j = 0; j < nf; j++) {
                    acc += wt[k * nf + j] * f[n * nf + j];
                }
                out[n * nc + k] = acc;
            }
        }
        return out;
    }

    /** Pooled features [batch, features] entering the classifier. */
    public float[] features(float[] input, int batch) {
        int lastBlock = arch.blocks().size() - 1;
        float[] x = convBn(arch.head(), blockOutputs(input, batch, lastBlock)[0], batch, true);
        int s = arch.head().outputSize();
        return globalAverage(x, batch * arch.features(), s * s);
    }

    /**
     * The outputs of the given MBConv blocks (indices into {@link EfficientNetArchitecture#blocks()},
     * ascending), for an input [batch, 3, R, R]: the feature maps a detector taps. Stops after the last
     * block asked for.
     */
    public float[][] blockOutputs(float[] input, int batch, int... blockIndices) {
        int r = arch.resolution();
        if (input.length != batch * 3 * r * r) {
            throw new IllegalArgumentException("input must be [" + batch + ",3," + r + "," + r + "]");
        }
        float[][] taps = new float[blockIndices.length][];
        float[] x = convBn(arch.stem(), input, batch, true);
        int next = 0;
        for (int i = 0; next < blockIndices.length && i < arch.blocks().size(); i++) {
            x = block(arch.blocks().get(i), x, batch);
            if (i == blockIndices[next]) {
                taps[next++] = x;
            }
        }
        if (next < blockIndices.length) {
            throw new IllegalArgumentException("block indices must be ascending and below " + arch.blocks().size());
        }
        return taps;
    }

    private float[] block(Block b, float[] input, int batch) {
        float[] x = input;
        if (b.hasExpansion()) {
            x = convBn(b.expand(), x, batch, true);
        }
        x = convBn(b.depthwise(), x, batch, true);
        int spatial = b.depthwise().outputSize() * b.depthwise().outputSize();
        float[] pooled = globalAverage(x, batch * b.expandedChannels(), spatial);
        float[] s = conv(b.squeeze(), pooled, batch);
        swish(s);
        float[] gate = conv(b.excite(), s, batch);
        for (int i = 0; i < gate.length; i++) {
            gate[i] = sigmoid(gate[i]);
        }
        for (int nc = 0; nc < gate.length; nc++) {
            float g = gate[nc];
            for (int p = nc * spatial, end = p + spatial; p < end; p++) {
                x[p] *= g;
            }
        }
        x = convBn(b.project(), x, batch, false);
        if (b.residual()) {
            for (int i = 0; i < x.length; i++) {
                x[i] += input[i];
            }
        }
        return x;
    }

    private float[] convBn(ConvSpec c, float[] input, int batch, boolean activation) {
        return convBn(c, input, batch, arch.variant().batchNormEpsilon(), activation);
    }

    /**
     * Convolution (through the observer), then its BatchNorm with {@code eps} unless the weights are
     * folded or it has none, then SiLU if asked. Public so detector layers built from
     * {@link ConvSpec}s run through the same arithmetic.
     */
    public float[] convBn(ConvSpec c, float[] input, int batch, float eps, boolean activation) {
        float[] y = conv(c, input, batch);
        if (c.hasBatchNorm() && !weights.foldedBatchNorm()) {
            String bn = c.batchNormName();
            float[] gamma = weights.get(bn + ".weight").data();
            float[] beta = weights.get(bn + ".bias").data();
            float[] mean = weights.get(bn + ".running_mean").data();
            float[] var = weights.get(bn + ".running_var").data();
            int channels = c.outChannels();
            int spatial = c.outputSize() * c.outputSize();
            for (int n = 0; n < batch; n++) {
                for (int ch = 0; ch < channels; ch++) {
                    float scale = (float) (gamma[ch] / Math.sqrt(var[ch] + eps));
                    float shift = beta[ch] - mean[ch] * scale;
                    int base = (n * channels + ch) * spatial;
                    for (int p = base; p < base + spatial; p++) {
                        y[p] = y[p] * scale + shift;
                    }
                }
            }
        }
        if (activation) {
            swish(y);
        }
        return y;
    }

    /** Convolution plus bias (when the layer has one, or carries its folded BatchNorm), then the observer. */
    public float[] conv(ConvSpec c, float[] x, int batch) {
        int cin = c.inChannels();
        int cout = c.outChannels();
        int h = c.inputSize();
        int o = c.outputSize();
        int k = c.kernel();
        int stride = c.stride();
        int pad = c.padding();
        int groups = c.groups();
        int cinPerGroup = cin / groups;
        int coutPerGroup = cout / groups;
        float[] wt = weights.get(c.name() + ".weight").data();
        float[] out = new float[batch * cout * o * o];
        boolean pointwise = k == 1 && stride == 1 && groups == 1;
        // One task per (image, output channel): each output value is summed in the same order whatever
        // the thread, so the result does not depend on parallelism.
        IntStream planes = IntStream.range(0, batch * cout);
        if (c.multiplyAdds() * batch > PARALLEL_THRESHOLD) {
            planes = planes.parallel();
        }
        planes.forEach(plane -> {
            int n = plane / cout;
            int co = plane % cout;
            int outBase = plane * o * o;
            int g = co / coutPerGroup;
            for (int ci = 0; ci < cinPerGroup; ci++) {
                int inBase = (n * cin + g * cinPerGroup + ci) * h * h;
                int wBase = (co * cinPerGroup + ci) * k * k;
                if (pointwise) {
                    float wv = wt[wBase];
                    for (int p = 0; p < o * o; p++) {
                        out[outBase + p] += wv * x[inBase + p];
                    }
                    continue;
                }
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        float wv = wt[wBase + ky * k + kx];
                        int oxMin = Math.max(0, ceilDiv(pad - kx, stride));
                        int oxMax = Math.min(o - 1, Math.floorDiv(h - 1 + pad - kx, stride));
                        for (int oy = 0; oy < o; oy++) {
                            int iy = oy * stride - pad + ky;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int row = inBase + iy * h - pad + kx;
                            int orow = outBase + oy * o;
                            for (int ox = oxMin; ox <= oxMax; ox++) {
                                out[orow + ox] += wv * x[row + ox * stride];
                            }
                        }
                    }
                }
            }
        });
        if (c.hasBias() || (c.hasBatchNorm() && weights.foldedBatchNorm())) {
            float[] bias = weights.get(c.name() + ".bias").data();
            int spatial = o * o;
            for (int n = 0; n < batch; n++) {
                for (int co = 0; co < cout; co++) {
                    int base = (n * cout + co) * spatial;
                    for (int p = base; p < base + spatial; p++) {
                        out[p] += bias[co];
                    }
                }
            }
        }
        observer.afterConv(c, out, batch);
        return out;
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static float[] globalAverage(float[] x, int planes, int spatial) {
        float[] out = new float[planes];
        for (int i = 0; i < planes; i++) {
            double sum = 0;
            for (int p = i * spatial, end = p + spatial; p < end; p++) {
                sum += x[p];
            }
            out[i] = (float) (sum / spatial);
        }
        return out;
    }

    public static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    /** SiLU in place. */
    public static void swish(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * sigmoid(x[i]);
        }
    }
}
