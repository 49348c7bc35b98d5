package io.flinkvision.modelgen.efficientdet;

import io.flinkvision.modelgen.efficientnet.EfficientNetWeights;
import io.flinkvision.modelgen.efficientnet.ProbeCalibration;
import io.flinkvision.modelgen.efficientnet.ReferenceForward;
import io.flinkvision.modelgen.efficientnet.SeededWeights;
import io.flinkvision.modelgen.onnx.FloatTensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random, deterministic EfficientDet weights, made numerically well-conditioned the way
 * {@link ProbeCalibration} conditions EfficientNet: He-normal convolutions (std sqrt(2 / fan_in), the
 * backbone's drawn exactly as {@link SeededWeights} draws them), fresh BatchNorms, zero biases except
 * the class prediction's, whose bias is the reference's prior -log((1 - 0.01) / 0.01) (every score
 * starts near 0.01), and fusion weights drawn from [0.5, 1.5) so the edges of a node differ (the reference
 * starts them at 1). Then one forward pass of an image-like probe at the architecture's resolution sets
 * every BatchNorm's statistics as the pass reaches it (scale-only: see
 * {@link ProbeCalibration#setScaleOnlyStatistics}), and the two prediction layers are scaled so the
 * probe's class logits and box deltas have the standard deviations asked for. Labels and boxes mean nothing.
 * Calibration is a plain-Java forward pass at full size: 3-5 s for D0 and 10-20 s for D2 on two
 * cores, growing with the multiply-adds (minutes for D5-D7).
 */
public final class SeededEfficientDetWeights implements EfficientDetWeightSource {
    public static final double CLASS_PRIOR = 0.01;
    public static final float DEFAULT_CLASS_LOGIT_STD = 1f;
    /** exp(0.5) is about 1.65: boxes stay within a small factor of their anchors. */
    public static final float DEFAULT_BOX_DELTA_STD = 0.5f;

    private final long seed;
    private final boolean calibrate;
    private final float classLogitStd;
    private final float boxDeltaStd;

    /** Seeded and probe-calibrated with the defaults. */
    public SeededEfficientDetWeights(long seed) {
        this(seed, true, DEFAULT_CLASS_LOGIT_STD, DEFAULT_BOX_DELTA_STD);
    }

    private SeededEfficientDetWeights(long seed, boolean calibrate, float classLogitStd, float boxDeltaStd) {
        if (!(classLogitStd > 0) || !(boxDeltaStd > 0)) {
            throw new IllegalArgumentException("target standard deviations must be positive");
        }
        this.seed = seed;
        this.calibrate = calibrate;
        this.classLogitStd = classLogitStd;
        this.boxDeltaStd = boxDeltaStd;
    }

    /** Raw initialisation: BatchNorm mean 0 and variance 1, prediction layers unscaled. */
    public static SeededEfficientDetWeights uncalibrated(long seed) {
        return new SeededEfficientDetWeights(seed, false, DEFAULT_CLASS_LOGIT_STD, DEFAULT_BOX_DELTA_STD);
    }

    @Override
    public EfficientDetWeights weightsFor(EfficientDetArchitecture arch) {
        String classBias = classPredict() + ".bias";
        float priorBias = (float) -Math.log((1 - CLASS_PRIOR) / CLASS_PRIOR);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : arch.expectedShapes().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            FloatTensor t;
            if (shape.length == 4) {
                double fanIn = (double) shape[1] * shape[2] * shape[3];
                t = SeededWeights.normal(seed, name, Math.sqrt(2.0 / fanIn), shape);
            } else if (name.contains(".WSM")) {
                Random random = SeededWeights.tensorRandom(seed, name);
                t = FloatTensor.of(new float[] {0.5f + random.nextFloat()}, 1);
            } else if (name.endsWith(".running_var") || name.endsWith(".weight")) {
                // A 1-D ".weight" is a BatchNorm's gamma (convolution weights are 4-D).
                t = SeededWeights.constant(1f, (int) shape[0]);
            } else {
                t = SeededWeights.constant(name.equals(classBias) ? priorBias : 0f, (int) shape[0]);
            }
            tensors.put(name, t);
        }
        EfficientDetWeights weights = new EfficientDetWeights(tensors);
        if (calibrate) {
            calibrate(arch, weights);
        }
        return weights;
    }

    private void calibrate(EfficientDetArchitecture arch, EfficientDetWeights weights) {
        EfficientNetWeights view = weights.layers();
        ReferenceForward.ConvObserver setStatistics = (conv, out, batch) -> {
            if (conv.hasBatchNorm()) {
                ProbeCalibration.setScaleOnlyStatistics(conv, out, batch, view);
            }
        };
        // At the architecture's own size: probes of 256 or 384 px left D2's outputs at 768 px 30 to 100
        // times the probe's scale, as a smaller probe does for EfficientNet (see ProbeCalibration).
        float[] probe = ProbeCalibration.imageLikeProbe(new Random(seed ^ 0x5DEECE66DL), 1, arch.resolution());
        EfficientDetReferenceForward.Outputs out = new EfficientDetReferenceForward(arch, weights, setStatistics)
                .run(probe, 1);
        scale(weights.get(classPredict() + ".weight").data(), classLogitStd / std(out.classLogits()));
        scale(weights.get(boxPredict() + ".weight").data(), boxDeltaStd / std(out.boxDeltas()));
    }

    private static String classPredict() {
        return EfficientDetArchitecture.CLASS_NET + ".class-predict.pointwise";
    }

    private static String boxPredict() {
        return EfficientDetArchitecture.BOX_NET + ".box-predict.pointwise";
    }

    private static double std(float[] values) {
        double sum = 0;
        double sumSq = 0;
        for (float v : values) {
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(Math.max(0, sumSq / values.length - mean * mean));
    }

    private static void scale(float[] w, double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            return;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] * factor);
        }
    }

    @Override
    public String describe() {
        return "random (seed " + seed + ", He-normal"
                + (calibrate ? ", BatchNorm statistics and prediction scales calibrated on a random probe" : "")
                + "; classes and boxes are meaningless)";
    }
}
