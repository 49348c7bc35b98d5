package io.flinkvision.modelgen.efficientnet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.ConvSpec;
import io.flinkvision.modelgen.onnx.FloatTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All tensors of one EfficientNet, keyed by torchvision state-dict names, in one of two forms:
 * <ul>
 *   <li>unfolded: {@code <conv>.weight} for every convolution, {@code <bn>.weight|bias|running_mean|running_var}
 *       for every BatchNorm, {@code <se conv>.bias} for the SE convolutions;</li>
 *   <li>folded: BatchNorm merged into the preceding convolution, so every convolution has
 *       {@code <conv>.weight} and {@code <conv>.bias} and there are no BatchNorm tensors (what
 *       {@code torch.onnx.export} produces in eval mode).</li>
 * </ul>
 * Both have {@code classifier.1.weight} ([classes, features]) and {@code classifier.1.bias}.
 */
public final class EfficientNetWeights {
    public static final String CLASSIFIER = "classifier.1";
    /** BatchNorm tensors: gamma and beta are trained, the running statistics are buffers. */
    public static final List<String> BATCH_NORM_SUFFIXES = List.of(".weight", ".bias", ".running_mean", ".running_var");

    private final Map<String, FloatTensor> tensors;
    private final boolean foldedBatchNorm;

    public EfficientNetWeights(Map<String, FloatTensor> tensors, boolean foldedBatchNorm) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.foldedBatchNorm = foldedBatchNorm;
    }

    public boolean foldedBatchNorm() {
        return foldedBatchNorm;
    }

    public Map<String, FloatTensor> tensors() {
        return tensors;
    }

    public FloatTensor get(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing weight tensor '" + name + "'");
        }
        return t;
    }

    /**
     * The tensor names and shapes an architecture needs in the given form, in forward order (which
     * is also the order the generator writes initializers in).
     */
    public static Map<String, long[]> expectedShapes(EfficientNetArchitecture arch, boolean foldedBatchNorm) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ConvSpec c : arch.convs()) {
            putConvShapes(shapes, c, foldedBatchNorm);
        }
        shapes.put(CLASSIFIER + ".weight", new long[] {arch.numClasses(), arch.features()});
        shapes.put(CLASSIFIER + ".bias", new long[] {arch.numClasses()});
        return shapes;
    }

    /**
     * Adds the tensors of one convolution: its weight, its bias (if it has one, or if BatchNorm is
     * folded into it) and, unfolded, the four tensors of the BatchNorm after it.
     */
    public static void putConvShapes(Map<String, long[]> shapes, ConvSpec c, boolean foldedBatchNorm) {
        shapes.put(c.name() + ".weight", c.weightShape());
        long[] channels = {c.outChannels()};
        if (c.hasBias() || (foldedBatchNorm && c.hasBatchNorm())) {
            shapes.put(c.name() + ".bias", channels);
        }
        if (c.hasBatchNorm() && !foldedBatchNorm) {
            for (String suffix : BATCH_NORM_SUFFIXES) {
                shapes.put(c.batchNormName() + suffix, channels);
            }
        }
    }

    /** Throws unless every tensor the architecture needs is present with the right shape. */
    public void validate(EfficientNetArchitecture arch) {
        for (Map.Entry<String, long[]> e : expectedShapes(arch, foldedBatchNorm).entrySet()) {
            FloatTensor t = get(e.getKey());
            if (!t.hasShape(e.getValue())) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' has shape " + t.shapeString()
                        + ", EfficientNet-" + arch.variant() + " needs " + java.util.Arrays.toString(e.getValue()));
            }
        }
    }
}
