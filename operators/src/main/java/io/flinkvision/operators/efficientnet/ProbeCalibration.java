package io.flinkvision.operators.efficientnet;

import io.flinkvision.operators.efficientnet.EfficientNetArchitecture.ConvSpec;

import java.util.Map;
import java.util.Random;

/**
 * Makes random EfficientNet weights numerically well-conditioned, cheaply: one forward pass of a
 * small random batch (standard normal, like normalised pixels) through {@link ReferenceForward} at a
 * reduced resolution, setting each BatchNorm's running mean and variance to the statistics of its
 * convolution's output as the pass reaches it, so every BatchNorm outputs zero mean and unit variance
 * per channel on the probe. Then the classifier is scaled so the probe logits have a chosen standard
 * deviation. This mirrors how the shared {@code efficientnet_b0_seed0_bncal} model was made (BatchNorm
 * statistics recalibrated on photos, classifier rescaled), with a synthetic probe instead of photos.
 */
public final class ProbeCalibration {
    public static final int DEFAULT_PROBE_SIZE = 96;
    public static final int DEFAULT_PROBE_BATCH = 2;
    public static final float DEFAULT_LOGIT_STD = 2f;

    private final int probeSize;
    private final int probeBatch;
    private final float logitStd;

    public ProbeCalibration(int probeSize, int probeBatch, float logitStd) {
        if (probeSize < 32 || probeBatch < 1 || !(logitStd > 0)) {
            throw new IllegalArgumentException("probe size >= 32, batch >= 1 and logit std > 0 required");
        }
        this.probeSize = probeSize;
        this.probeBatch = probeBatch;
        this.logitStd = logitStd;
    }

    public static ProbeCalibration defaults() {
        return new ProbeCalibration(DEFAULT_PROBE_SIZE, DEFAULT_PROBE_BATCH, DEFAULT_LOGIT_STD);
    }

    /**
     * Updates, in place, the running statistics and the classifier weight of unfolded {@code tensors}
     * (the arrays are mutated; the map itself is not).
     */
    public void calibrate(EfficientNetArchitecture arch, Map<String, FloatTensor> tensors, long seed) {
        EfficientNetArchitecture probeArch =
                EfficientNetArchitecture.of(arch.variant(), Math.min(probeSize, arch.resolution()));
        EfficientNetWeights weights = new EfficientNetWeights(tensors, false);
        ReferenceForward.ConvObserver setStatistics = (conv, out, batch) -> {
            if (conv.hasBatchNorm()) {
                setStatistics(conv, out, batch, weights);
            }
        };
        int r = probeArch.resolution();
        float[] probe = new float[probeBatch * 3 * r * r];
        Random random = new Random(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (float) random.nextGaussian();
        }
        float[] logits = new ReferenceForward(probeArch, weights, setStatistics).logits(probe, probeBatch);
        double sum = 0;
        double sumSq = 0;
        for (float v : logits) {
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / logits.length;
        double std = Math.sqrt(Math.max(0, sumSq / logits.length - mean * mean));
        if (std > 0 && Double.isFinite(std)) {
            float scale = (float) (logitStd / std);
            float[] w = weights.get(EfficientNetWeights.CLASSIFIER + ".weight").data();
            for (int i = 0; i < w.length; i++) {
                w[i] *= scale;
            }
        }
    }

    private static void setStatistics(ConvSpec conv, float[] out, int batch, EfficientNetWeights weights) {
        int channels = conv.outChannels();
        int spatial = conv.outputSize() * conv.outputSize();
        float[] mean = weights.get(conv.batchNormName() + ".running_mean").data();
        float[] var = weights.get(conv.batchNormName() + ".running_var").data();
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            double sumSq = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + ch) * spatial;
                for (int p = base; p < base + spatial; p++) {
                    sum += out[p];
                    sumSq += (double) out[p] * out[p];
                }
            }
            long count = (long) batch * spatial;
            double m = sum / count;
            mean[ch] = (float) m;
            var[ch] = (float) Math.max(sumSq / count - m * m, 1e-6);
        }
    }
}
