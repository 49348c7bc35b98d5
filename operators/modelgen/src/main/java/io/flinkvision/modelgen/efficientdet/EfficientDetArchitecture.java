package io.flinkvision.modelgen.efficientdet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.Block;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.ConvSpec;
import io.flinkvision.modelgen.efficientnet.EfficientNetWeights;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layers of an EfficientDet-D&phi; as Google's reference builds them ({@code efficientdet_arch.py}),
 * with parameter and multiply-add counts taken from the layer list, so no weights are needed to count:
 * <ul>
 *   <li>backbone: {@link EfficientNetArchitecture} (stem and MBConv blocks, no head convolution or
 *       classifier) tapped where the reference's {@code reduction_3..5} endpoints are, the last block
 *       before each stride-2 block and the last block: P3, P4, P5 at strides 8, 16, 32;</li>
 *   <li>P6 = max-pool(BatchNorm(1x1 conv(P5))) to W channels, P7 = max-pool(P6), both pools 3x3 stride 2
 *       with TensorFlow "SAME" padding;</li>
 *   <li>{@link EfficientDetVariant#bifpnLayers()} BiFPN cells of 8 nodes each (top-down P6'..P3'',
 *       bottom-up P4''..P7''); every input edge is resampled to the node's size and width (1x1 conv +
 *       BatchNorm where the channels differ, which happens only for the backbone features entering the
 *       first cell; max-pool down, nearest-neighbour 2x up), fused, then SiLU, separable 3x3 conv, BatchNorm;</li>
 *   <li>a class net and a box net shared by all levels: {@link EfficientDetVariant#headLayers()}
 *       separable convs with BatchNorm (one BatchNorm per level, as the reference has) and SiLU, then a
 *       separable prediction conv with 9 anchors x classes (or x 4) outputs.</li>
 * </ul>
 * Tensor names follow the reference's variable scopes ({@code fpn_cells.cell_0.fnode1.resample_0_2_6},
 * {@code class_net.class-0-bn-3}); backbone tensors keep torchvision's names ({@code features.2.1.block.0.0}).
 */
public final class EfficientDetArchitecture {
    public static final int MIN_LEVEL = 3;
    public static final int MAX_LEVEL = 7;
    public static final int NUM_SCALES = 3;
    /** Anchor aspect ratios as (width, height) multipliers, in the reference's order. */
    public static final List<double[]> ASPECT_RATIOS = List.of(new double[] {1.0, 1.0}, new double[] {1.4, 0.7},
            new double[] {0.7, 1.4});
    public static final int ANCHORS_PER_LOCATION = NUM_SCALES * 3;
    /** COCO as the reference labels it: 90 category ids (1..90, of which 80 are used); id = class index + 1. */
    public static final int DEFAULT_NUM_CLASSES = 90;
    /** The reference's {@code batch_norm_act} epsilon for the BiFPN and the heads. */
    public static final float BATCH_NORM_EPSILON = 1e-3f;
    /** Added to the sum of fusion weights before dividing by it. */
    public static final float FUSION_EPSILON = 1e-4f;
    public static final int BOX_CODE_SIZE = 4;
    public static final String CLASS_NET = "class_net";
    public static final String BOX_NET = "box_net";

    /** How an edge brings its input to the node's size. */
    public enum Resize { NONE, DOWN, UP }

    /**
     * One input of a BiFPN node: the feature at {@code source} (an index into the cell's feature list:
     * 0..4 are the cell's inputs P3..P7, 5.. its nodes so far), the 1x1 conv + BatchNorm that changes its
     * width (null if none), the resize, and the name of its fusion weight (null for plain-sum fusion).
     */
    public record Edge(int source, ConvSpec resample, Resize resize, String fusionWeight) {}

    /** A depthwise 3x3 conv (no bias) followed by a pointwise 1x1 conv (bias; BatchNorm unless a prediction layer). */
    public record SeparableConv(ConvSpec depthwise, ConvSpec pointwise) {
        List<ConvSpec> convs() {
            return List.of(depthwise, pointwise);
        }
    }

    /** A BiFPN node at {@code level} ({@code size} pixels square): fuse the edges, SiLU, separable conv, BatchNorm. */
    public record FpnNode(String name, int level, int size, List<Edge> inputs, SeparableConv conv) {}

    /** One BiFPN cell; {@code outputs[l - MIN_LEVEL]} is the feature index of level l's output. */
    public record Cell(String name, List<FpnNode> nodes, int[] outputs) {}

    /**
     * The class or box net: {@code layers.get(level - MIN_LEVEL).get(i)} is the i-th separable conv at a
     * level (weights shared across levels, BatchNorm per level), {@code predict.get(level - MIN_LEVEL)} the
     * prediction conv, with {@code outputsPerAnchor} channels per anchor.
     */
    public record Head(String name, List<List<SeparableConv>> layers, List<SeparableConv> predict, int outputsPerAnchor) {}

    private final EfficientDetVariant variant;
    private final int resolution;
    private final int numClasses;
    private final EfficientNetArchitecture backbone;
    private final int[] taps;
    private final ConvSpec p6Resample;
    private final List<Cell> cells;
    private final Head classNet;
    private final Head boxNet;

    private EfficientDetArchitecture(EfficientDetVariant variant, int resolution, int numClasses) {
        this.variant = variant;
        this.resolution = resolution;
        this.numClasses = numClasses;
        this.backbone = EfficientNetArchitecture.of(variant.backbone(), resolution);
        this.taps = reductionTaps(backbone);
        int w = variant.bifpnWidth();
        Block p5 = backbone.blocks().get(taps[2]);
        this.p6Resample = new ConvSpec("resample_p6.conv", "resample_p6.bn", p5.outChannels(), w, 1, 1, 1,
                featureSize(5), true);
        int[] channels = new int[MAX_LEVEL - MIN_LEVEL + 1];
        for (int i = 0; i < 3; i++) {
            channels[i] = backbone.blocks().get(taps[i]).outChannels();
        }
        channels[3] = w;
        channels[4] = w;
        List<Cell> cellList = new ArrayList<>();
        for (int rep = 0; rep < variant.bifpnLayers(); rep++) {
            cellList.add(cell("fpn_cells.cell_" + rep, channels));
            java.util.Arrays.fill(channels, w);
        }
        this.cells = Collections.unmodifiableList(cellList);
        this.classNet = head(CLASS_NET, "class", numClasses);
        this.boxNet = head(BOX_NET, "box", BOX_CODE_SIZE);
    }

    /** The variant at its native resolution with the reference's 90 COCO classes. */
    public static EfficientDetArchitecture of(EfficientDetVariant variant) {
        return of(variant, variant.resolution(), DEFAULT_NUM_CLASSES);
    }

    /**
     * The variant over another (square) input size and class count; the weights do not depend on the
     * size. The size must be a multiple of 128, the P7 stride, so every level is exactly half the one
     * below and the top-down path upsamples by exactly 2.
     */
    public static EfficientDetArchitecture of(EfficientDetVariant variant, int resolution, int numClasses) {
        int stride = 1 << MAX_LEVEL;
        if (resolution < stride || resolution % stride != 0) {
            throw new IllegalArgumentException("resolution must be a positive multiple of " + stride
                    + " (the P7 stride), got " + resolution);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        }
        return new EfficientDetArchitecture(variant, resolution, numClasses);
    }

    /**
     * Indices of the blocks whose outputs are P3, P4 and P5: the reference's reduction endpoints are
     * the outputs of the last block before each stride-2 block and of the last block (reductions 1..5,
     * strides 2..32); the detector takes reductions 3, 4 and 5.
     */
    static int[] reductionTaps(EfficientNetArchitecture backbone) {
        List<Block> blocks = backbone.blocks();
        List<Integer> reductions = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (i == blocks.size() - 1 || blocks.get(i + 1).stride() > 1) {
                reductions.add(i);
            }
        }
        if (reductions.size() != 5) {
            throw new IllegalStateException("expected 5 reduction points in the backbone, found " + reductions.size());
        }
        return new int[] {reductions.get(2), reductions.get(3), reductions.get(4)};
    }

    private Cell cell(String name, int[] inputChannels) {
        int w = variant.bifpnWidth();
        List<Integer> featLevels = new ArrayList<>();
        List<Integer> featChannels = new ArrayList<>();
        List<List<Integer>> idsByLevel = new ArrayList<>();
        for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
            featLevels.add(level);
            featChannels.add(inputChannels[level - MIN_LEVEL]);
            idsByLevel.add(new ArrayList<>(List.of(level - MIN_LEVEL)));
        }
        // The reference's bifpn_dynamic_config: top-down from P6 to P3, then bottom-up from P4 to P7.
        List<int[]> plan = new ArrayList<>();
        for (int level = MAX_LEVEL - 1; level >= MIN_LEVEL; level--) {
            plan.add(new int[] {level, last(idsByLevel, level), last(idsByLevel, level + 1)});
            idsByLevel.get(level - MIN_LEVEL).add(MAX_LEVEL - MIN_LEVEL + plan.size());
        }
        for (int level = MIN_LEVEL + 1; level <= MAX_LEVEL; level++) {
            List<Integer> all = idsByLevel.get(level - MIN_LEVEL);
            int[] entry = new int[all.size() + 2];
            entry[0] = level;
            for (int k = 0; k < all.size(); k++) {
                entry[k + 1] = all.get(k);
            }
            entry[entry.length - 1] = last(idsByLevel, level - 1);
            plan.add(entry);
            all.add(MAX_LEVEL - MIN_LEVEL + plan.size());
        }
        List<FpnNode> nodes = new ArrayList<>();
        for (int n = 0; n < plan.size(); n++) {
            int[] entry = plan.get(n);
            int level = entry[0];
            int size = featureSize(level);
            String nodeName = name + ".fnode" + n;
            int featCount = featLevels.size();
            List<Edge> edges = new ArrayList<>();
            for (int k = 1; k < entry.length; k++) {
                int source = entry[k];
                int sourceLevel = featLevels.get(source);
                int sourceChannels = featChannels.get(source);
                String prefix = nodeName + ".resample_" + (k - 1) + "_" + source + "_" + featCount;
                ConvSpec resample = sourceChannels == w ? null
                        : new ConvSpec(prefix + ".conv", prefix + ".bn", sourceChannels, w, 1, 1, 1,
                                featureSize(sourceLevel), true);
                Resize resize = sourceLevel < level ? Resize.DOWN : sourceLevel > level ? Resize.UP : Resize.NONE;
                String weight = variant.fusion() == EfficientDetVariant.Fusion.FAST_NORMALIZED
                        ? nodeName + ".WSM" + (k == 1 ? "" : "_" + (k - 1)) : null;
                edges.add(new Edge(source, resample, resize, weight));
            }
            String op = nodeName + ".op_after_combine" + featCount;
            nodes.add(new FpnNode(nodeName, level, size, List.copyOf(edges), separable(op + ".conv", op + ".bn", w, w, size)));
            featLevels.add(level);
            featChannels.add(w);
        }
        int[] outputs = new int[MAX_LEVEL - MIN_LEVEL + 1];
        for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
            outputs[level - MIN_LEVEL] = last(idsByLevel, level);
        }
        return new Cell(name, List.copyOf(nodes), outputs);
    }

    private static int last(List<List<Integer>> idsByLevel, int level) {
        List<Integer> ids = idsByLevel.get(level - MIN_LEVEL);
        return ids.get(ids.size() - 1);
    }

    private Head head(String net, String prefix, int outputsPerAnchor) {
        int w = variant.bifpnWidth();
        List<List<SeparableConv>> layers = new ArrayList<>();
        List<SeparableConv> predict = new ArrayList<>();
        for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
            int size = featureSize(level);
            List<SeparableConv> atLevel = new ArrayList<>();
            for (int i = 0; i < variant.headLayers(); i++) {
                atLevel.add(separable(net + "." + prefix + "-" + i, net + "." + prefix + "-" + i + "-bn-" + level, w, w, size));
            }
            layers.add(List.copyOf(atLevel));
            predict.add(separable(net + "." + prefix + "-predict", null, w, ANCHORS_PER_LOCATION * outputsPerAnchor, size));
        }
        return new Head(net, List.copyOf(layers), List.copyOf(predict), outputsPerAnchor);
    }

    private static SeparableConv separable(String name, String batchNorm, int in, int out, int size) {
        return new SeparableConv(new ConvSpec(name + ".depthwise", null, in, in, 3, 1, in, size, false),
                new ConvSpec(name + ".pointwise", batchNorm, in, out, 1, 1, 1, size, true));
    }

    /** Pixels per side of level {@code level} (R / 2^level; the reference's repeated (s - 1) / 2 + 1 is the same here). */
    public int featureSize(int level) {
        return resolution >> level;
    }

    public EfficientDetVariant variant() {
        return variant;
    }

    public int resolution() {
        return resolution;
    }

    public int numClasses() {
        return numClasses;
    }

    public EfficientNetArchitecture backbone() {
        return backbone;
    }

    /** Backbone block indices whose outputs are P3, P4, P5. */
    public int[] backboneTaps() {
        return taps.clone();
    }

    public ConvSpec p6Resample() {
        return p6Resample;
    }

    public List<Cell> cells() {
        return cells;
    }

    public Head classNet() {
        return classNet;
    }

    public Head boxNet() {
        return boxNet;
    }

    /** Anchors at one level: locations x 9. */
    public int anchorsAtLevel(int level) {
        int s = featureSize(level);
        return s * s * ANCHORS_PER_LOCATION;
    }

    /** Anchors over P3..P7, the second dimension of both outputs. */
    public int anchorCount() {
        int total = 0;
        for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
            total += anchorsAtLevel(level);
        }
        return total;
    }

    /** The backbone's convolutions the detector uses: the stem and the blocks (not the classifier's head conv). */
    public List<ConvSpec> backboneConvs() {
        List<ConvSpec> convs = new ArrayList<>(backbone.convs());
        convs.remove(convs.size() - 1);
        return convs;
    }

    /**
     * Every tensor the detector needs (unfolded BatchNorm), in the order the generator writes them:
     * backbone, P6 resample, BiFPN cells, class net, box net. A layer shared across levels appears once.
     */
    public Map<String, long[]> expectedShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ConvSpec c : backboneConvs()) {
            EfficientNetWeights.putConvShapes(shapes, c, false);
        }
        EfficientNetWeights.putConvShapes(shapes, p6Resample, false);
        for (Cell cell : cells) {
            for (FpnNode node : cell.nodes()) {
                for (Edge e : node.inputs()) {
                    if (e.resample() != null) {
                        EfficientNetWeights.putConvShapes(shapes, e.resample(), false);
                    }
                    if (e.fusionWeight() != null) {
                        shapes.put(e.fusionWeight(), new long[] {1});
                    }
                }
                for (ConvSpec c : node.conv().convs()) {
                    EfficientNetWeights.putConvShapes(shapes, c, false);
                }
            }
        }
        for (Head head : List.of(classNet, boxNet)) {
            for (int l = 0; l <= MAX_LEVEL - MIN_LEVEL; l++) {
                for (SeparableConv s : head.layers().get(l)) {
                    for (ConvSpec c : s.convs()) {
                        EfficientNetWeights.putConvShapes(shapes, c, false);
                    }
                }
                for (ConvSpec c : head.predict().get(l).convs()) {
                    EfficientNetWeights.putConvShapes(shapes, c, false);
                }
            }
        }
        return shapes;
    }

    /**
     * Trainable parameters as the reference counts them (trainable variables): every conv weight and
     * bias, BatchNorm gamma and beta (running statistics are not trained), the fusion weights.
     */
    public long parameterCount() {
        long total = 0;
        for (Map.Entry<String, long[]> e : expectedShapes().entrySet()) {
            if (e.getKey().endsWith(".running_mean") || e.getKey().endsWith(".running_var")) {
                continue;
            }
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            total += n;
        }
        return total;
    }

    /** Multiply-accumulates of every convolution for one image (a shared head conv counts once per level). */
    public long multiplyAdds() {
        long total = 0;
        for (ConvSpec c : backboneConvs()) {
            total += c.multiplyAdds();
        }
        total += p6Resample.multiplyAdds();
        for (Cell cell : cells) {
            for (FpnNode node : cell.nodes()) {
                for (Edge e : node.inputs()) {
                    total += e.resample() == null ? 0 : e.resample().multiplyAdds();
                }
                total += node.conv().depthwise().multiplyAdds() + node.conv().pointwise().multiplyAdds();
            }
        }
        for (Head head : List.of(classNet, boxNet)) {
            for (int l = 0; l <= MAX_LEVEL - MIN_LEVEL; l++) {
                List<SeparableConv> all = new ArrayList<>(head.layers().get(l));
                all.add(head.predict().get(l));
                for (SeparableConv s : all) {
                    total += s.depthwise().multiplyAdds() + s.pointwise().multiplyAdds();
                }
            }
        }
        return total;
    }

    /**
     * Anchor boxes over P3..P7 in output order, as (ymin, xmin, ymax, xmax) in input pixels, 4 values per
     * anchor: level by level, then row, then column, then the 9 anchors of a location (scale octave
     * major, aspect ratio minor). Anchor (o, (aw, ah)) at a level of stride s is centred on
     * ((y + 0.5) s, (x + 0.5) s) with width anchorScale * s * 2^(o/3) * aw and height ... * ah.
     */
    public float[] anchorBoxes() {
        float[] boxes = new float[anchorCount() * 4];
        int k = 0;
        for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
            int size = featureSize(level);
            double stride = (double) resolution / size;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double cy = (y + 0.5) * stride;
                    double cx = (x + 0.5) * stride;
                    for (int octave = 0; octave < NUM_SCALES; octave++) {
                        double base = variant.anchorScale() * stride * Math.pow(2, (double) octave / NUM_SCALES);
                        for (double[] ratio : ASPECT_RATIOS) {
                            double halfW = base * ratio[0] / 2;
                            double halfH = base * ratio[1] / 2;
                            boxes[k++] = (float) (cy - halfH);
                            boxes[k++] = (float) (cx - halfW);
                            boxes[k++] = (float) (cy + halfH);
                            boxes[k++] = (float) (cx + halfW);
                        }
                    }
                }
            }
        }
        return boxes;
    }

    /** A one-line summary, e.g. for logs and the model's doc string. */
    public String summary() {
        return String.format(Locale.ROOT,
                "EfficientDet-%s %dx%d: EfficientNet-%s backbone, %d BiFPN cells x %d ch, %d head layers, %d classes, "
                        + "%d anchors, %,d parameters, %.2f G multiply-adds",
                variant, resolution, resolution, variant.backbone(), cells.size(), variant.bifpnWidth(),
                variant.headLayers(), numClasses, anchorCount(), parameterCount(), multiplyAdds() / 1e9);
    }
}
