package io.flinkvision.modelgen.efficientnet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.ConvSpec;
import io.flinkvision.modelgen.onnx.FloatTensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random, deterministic EfficientNet weights (unfolded BatchNorm): He-normal convolutions
 * (std sqrt(2 / fan_in)), BatchNorm gamma 1 and beta 0, zero biases, classifier N(0, 1/features);
 * then, unless disabled, {@link ProbeCalibration} sets the BatchNorm statistics and the classifier
 * scale so logits are O(1) instead of collapsing towards zero. Each tensor is drawn from its own
 * {@link Random} seeded from the seed and the tensor's name, so the same seed gives the same bytes on
 * any JVM. Labels mean nothing.
 */
public final class SeededWeights implements WeightSource {
    private final long seed;
    private final ProbeCalibration calibration;

    /** Seeded and probe-calibrated with the defaults. */
    public SeededWeights(long seed) {
        this(seed, ProbeCalibration.defaults());
    }

    /** {@code calibration} null: raw initialisation (BatchNorm mean 0, variance 1). */
    public SeededWeights(long seed, ProbeCalibration calibration) {
        this.seed = seed;
        this.calibration = calibration;
    }

    public static SeededWeights uncalibrated(long seed) {
        return new SeededWeights(seed, null);
    }

    @Override
    public EfficientNetWeights weightsFor(EfficientNetArchitecture arch) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (ConvSpec c : arch.convs()) {
            long fanIn = (long) (c.inChannels() / c.groups()) * c.kernel() * c.kernel();
            tensors.put(c.name() + ".weight", normal(c.name() + ".weight", Math.sqrt(2.0 / fanIn), c.weightShape()));
            int ch = c.outChannels();
            if (c.hasBias()) {
                tensors.put(c.name() + ".bias", constant(0f, ch));
            }
            if (c.hasBatchNorm()) {
                putBatchNorm(tensors, c.batchNormName(), ch);
            }
        }
        String cls = EfficientNetWeights.CLASSIFIER;
        tensors.put(cls + ".weight", normal(cls + ".weight", 1.0 / Math.sqrt(arch.features()),
                arch.numClasses(), arch.features()));
        tensors.put(cls + ".bias", constant(0f, arch.numClasses()));
        if (calibration != null) {
            calibration.calibrate(arch, tensors, seed);
        }
        return new EfficientNetWeights(tensors, false);
    }

    @Override
    public String describe() {
        return "random (seed " + seed + ", He-normal"
                + (calibration != null ? ", BatchNorm statistics and classifier scale calibrated on a random probe" : "")
                + "; labels are meaningless)";
    }

    private FloatTensor normal(String name, double std, long... dims) {
        return normal(seed, name, std, dims);
    }

    /**
     * N(0, std^2) values drawn from a {@link Random} seeded from {@code seed} and the tensor's name, so
     * the same seed gives the same bytes on any JVM whatever the order tensors are made in.
     */
    public static FloatTensor normal(long seed, String name, double std, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        Random random = tensorRandom(seed, name);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * std);
        }
        return FloatTensor.of(data, dims);
    }

    /** The generator a tensor's values come from. */
    public static Random tensorRandom(long seed, String name) {
        return new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    }

    /** A fresh BatchNorm: gamma 1, beta 0, running mean 0, running variance 1. */
    public static void putBatchNorm(Map<String, FloatTensor> tensors, String batchNormName, int channels) {
        tensors.put(batchNormName + ".weight", constant(1f, channels));
        tensors.put(batchNormName + ".bias", constant(0f, channels));
        tensors.put(batchNormName + ".running_mean", constant(0f, channels));
        tensors.put(batchNormName + ".running_var", constant(1f, channels));
    }

    public static FloatTensor constant(float value, int n) {
        float[] data = new float[n];
        java.util.Arrays.fill(data, value);
        return FloatTensor.of(data, n);
    }
}
