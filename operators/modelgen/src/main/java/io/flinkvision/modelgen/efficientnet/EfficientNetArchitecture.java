package io.flinkvision.modelgen.efficientnet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The EfficientNet-B&phi; layer list obtained by compound-scaling the B0 baseline exactly as
 * torchvision 0.14 does, with parameter and multiply-add counts. Names are torchvision module paths
 * ({@code features.2.1.block.3.0}), so weights can be looked up by torchvision's state-dict names.
 */
public final class EfficientNetArchitecture {

    /** One B0 stage: expand ratio, kernel, stride, repeats, input and output channels (before scaling). */
    private record Stage(int expand, int kernel, int stride, int repeats, int in, int out) {}

    private static final List<Stage> B0_STAGES = List.of(
            new Stage(1, 3, 1, 1, 32, 16),
            new Stage(6, 3, 2, 2, 16, 24),
            new Stage(6, 5, 2, 2, 24, 40),
            new Stage(6, 3, 2, 3, 40, 80),
            new Stage(6, 5, 1, 3, 80, 112),
            new Stage(6, 5, 2, 4, 112, 192),
            new Stage(6, 3, 1, 1, 192, 320));

    public static final int NUM_CLASSES = 1000;
    public static final int CHANNEL_DIVISOR = 8;

    /**
     * A convolution (groups, stride, symmetric "same"-style padding (k-1)/2) over a square input of
     * {@code inputSize} pixels; {@code batchNormName} is the module of the BatchNorm after it, or null;
     * {@code hasBias} says whether the convolution has a bias of its own. EfficientNet's convolutions
     * have a bias exactly where no BatchNorm follows (the squeeze-and-excitation ones); detector layers
     * built on them may have both (a TensorFlow conv with bias before BatchNorm) or neither (the
     * depthwise half of a separable convolution).
     */
    public record ConvSpec(String name, String batchNormName, int inChannels, int outChannels, int kernel,
                           int stride, int groups, int inputSize, boolean hasBias) {
        /** EfficientNet's convention: a bias exactly where no BatchNorm follows. */
        public ConvSpec(String name, String batchNormName, int inChannels, int outChannels, int kernel,
                        int stride, int groups, int inputSize) {
            this(name, batchNormName, inChannels, outChannels, kernel, stride, groups, inputSize, batchNormName == null);
        }

        public int padding() {
            return (kernel - 1) / 2;
        }

        public int outputSize() {
            return (inputSize + 2 * padding() - kernel) / stride + 1;
        }

        public boolean hasBatchNorm() {
            return batchNormName != null;
        }

        public long[] weightShape() {
            return new long[] {outChannels, inChannels / groups, kernel, kernel};
        }

        public long weightCount() {
            return (long) outChannels * (inChannels / groups) * kernel * kernel;
        }

        /** Weights, plus BatchNorm gamma and beta if a BatchNorm follows, plus the bias if there is one. */
        public long parameters() {
            return weightCount() + (hasBatchNorm() ? 2L * outChannels : 0) + (hasBias ? outChannels : 0);
        }

        /** Per image. */
        public long multiplyAdds() {
            long out = outputSize();
            return weightCount() * out * out;
        }

        /** The same layer over another input size (shared weights at another pyramid level). */
        public ConvSpec atInputSize(int size) {
            return new ConvSpec(name, batchNormName, inChannels, outChannels, kernel, stride, groups, size, hasBias);
        }
    }

    /**
     * One MBConv block: optional 1x1 expansion, depthwise conv, squeeze-and-excitation (two 1x1 convs
     * on the pooled features), 1x1 projection, and a residual add when shapes allow.
     */
    public record Block(String name, int inChannels, int expandedChannels, int outChannels, int squeezeChannels,
                        int kernel, int stride, boolean residual,
                        ConvSpec expand, ConvSpec depthwise, ConvSpec squeeze, ConvSpec excite, ConvSpec project) {
        public boolean hasExpansion() {
            return expand != null;
        }

        List<ConvSpec> convs() {
            List<ConvSpec> list = new ArrayList<>(5);
            if (expand != null) {
                list.add(expand);
            }
            list.add(depthwise);
            list.add(squeeze);
            list.add(excite);
            list.add(project);
            return list;
        }
    }

    private final EfficientNetVariant variant;
    private final int resolution;
    private final ConvSpec stem;
    private final List<Block> blocks;
    private final ConvSpec head;
    private final int numClasses;

    private EfficientNetArchitecture(EfficientNetVariant variant, int resolution, ConvSpec stem, List<Block> blocks,
                                     ConvSpec head, int numClasses) {
        this.variant = variant;
        this.resolution = resolution;
        this.stem = stem;
        this.blocks = Collections.unmodifiableList(blocks);
        this.head = head;
        this.numClasses = numClasses;
    }

    public static EfficientNetArchitecture of(EfficientNetVariant variant) {
        return of(variant, variant.resolution());
    }

    /** The variant's layers over a non-native input size (the weights do not depend on it). */
    public static EfficientNetArchitecture of(EfficientNetVariant variant, int resolution) {
        if (resolution < 32) {
            throw new IllegalArgumentException("resolution must be at least 32, got " + resolution);
        }
        double w = variant.width();
        int stemOut = makeDivisible(32 * w, CHANNEL_DIVISOR);
        ConvSpec stem = new ConvSpec("features.0.0", "features.0.1", 3, stemOut, 3, 2, 1, resolution);
        int size = stem.outputSize();
        List<Block> blocks = new ArrayList<>();
        int in = stemOut;
        for (int s = 0; s < B0_STAGES.size(); s++) {
            Stage stage = B0_STAGES.get(s);
            int out = makeDivisible(stage.out() * w, CHANNEL_DIVISOR);
            int repeats = (int) Math.ceil(stage.repeats() * variant.depth());
            for (int r = 0; r < repeats; r++) {
                int stride = r == 0 ? stage.stride() : 1;
                Block b = block("features." + (s + 1) + "." + r, in, out, stage.expand(), stage.kernel(), stride, size);
                blocks.add(b);
                size = b.project().outputSize();
                in = out;
            }
        }
        String headName = "features." + (B0_STAGES.size() + 1);
        ConvSpec head = new ConvSpec(headName + ".0", headName + ".1", in, 4 * in, 1, 1, 1, size);
        return new EfficientNetArchitecture(variant, resolution, stem, blocks, head, NUM_CLASSES);
    }

    private static Block block(String name, int in, int out, int expandRatio, int kernel, int stride, int size) {
        int expanded = makeDivisible((double) in * expandRatio, CHANNEL_DIVISOR);
        int squeeze = Math.max(1, in / 4);
        String p = name + ".block.";
        int layer = 0;
        ConvSpec expand = null;
        if (expanded != in) {
            expand = new ConvSpec(p + layer + ".0", p + layer + ".1", in, expanded, 1, 1, 1, size);
            layer++;
        }
        ConvSpec dw = new ConvSpec(p + layer + ".0", p + layer + ".1", expanded, expanded, kernel, stride, expanded, size);
        layer++;
        ConvSpec fc1 = new ConvSpec(p + layer + ".fc1", null, expanded, squeeze, 1, 1, 1, 1);
        ConvSpec fc2 = new ConvSpec(p + layer + ".fc2", null, squeeze, expanded, 1, 1, 1, 1);
        layer++;
        ConvSpec project = new ConvSpec(p + layer + ".0", p + layer + ".1", expanded, out, 1, 1, 1, dw.outputSize());
        boolean residual = stride == 1 && in == out;
        return new Block(name, in, expanded, out, squeeze, kernel, stride, residual, expand, dw, fc1, fc2, project);
    }

    /**
     * torchvision's {@code _make_divisible(v, divisor)}: round to the nearest multiple of
     * {@code divisor} (halves up), at least {@code divisor}, and never more than 10% below {@code v}.
     */
    public static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * v) {
            rounded += divisor;
        }
        return rounded;
    }

    public EfficientNetVariant variant() {
        return variant;
    }

    public int resolution() {
        return resolution;
    }

    public ConvSpec stem() {
        return stem;
    }

    public List<Block> blocks() {
        return blocks;
    }

    public ConvSpec head() {
        return head;
    }

    /** Channels entering the classifier (the head convolution's output). */
    public int features() {
        return head.outChannels();
    }

    public int numClasses() {
        return numClasses;
    }

    /** Every convolution in forward order (the order a PyTorch ONNX export lists its Conv nodes). */
    public List<ConvSpec> convs() {
        List<ConvSpec> all = new ArrayList<>();
        all.add(stem);
        for (Block b : blocks) {
            all.addAll(b.convs());
        }
        all.add(head);
        return all;
    }

    /**
     * Trainable parameters as torchvision counts them: conv weights (no conv bias), BatchNorm gamma and
     * beta (running statistics are buffers), SE conv weights and biases, classifier weight and bias.
     */
    public long parameterCount() {
        long total = 0;
        for (ConvSpec c : convs()) {
            total += c.parameters();
        }
        return total + (long) features() * numClasses + numClasses;
    }

    /**
     * Multiply-accumulates for one image at {@link #resolution()}: every convolution (including the SE
     * 1x1 convolutions on pooled features) and the classifier. BatchNorm, activations, SE scaling,
     * pooling and residual adds are not counted, as is usual for the published "FLOPs" figures.
     */
    public long multiplyAdds() {
        long total = 0;
        for (ConvSpec c : convs()) {
            total += c.multiplyAdds();
        }
        return total + (long) features() * numClasses;
    }

    /** A one-line summary, e.g. for logs and the model's doc string. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "EfficientNet-%s %dx%d: %d MBConv blocks, stem %d ch, head %d ch, %,d parameters, %.3f G multiply-adds",
                variant, resolution, resolution, blocks.size(), stem.outChannels(), features(), parameterCount(),
                multiplyAdds() / 1e9);
    }
}
