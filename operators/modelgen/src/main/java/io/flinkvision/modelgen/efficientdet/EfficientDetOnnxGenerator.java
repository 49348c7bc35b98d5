package io.flinkvision.modelgen.efficientdet;

import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Cell;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Edge;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.FpnNode;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Head;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.SeparableConv;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.Block;
import io.flinkvision.modelgen.efficientnet.EfficientNetLayers;
import io.flinkvision.modelgen.onnx.FloatTensor;
import io.flinkvision.modelgen.onnx.OnnxModelWriter;
import io.flinkvision.modelgen.onnx.proto.Onnx.ModelProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.BATCH_NORM_EPSILON;
import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.MAX_LEVEL;
import static io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.MIN_LEVEL;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intAttribute;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intsAttribute;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.stringAttribute;

/**
 * Writes EfficientDet-D0..D7 as an ONNX model (IR 8, opset 13) through the shared
 * {@link OnnxModelWriter}, the backbone through the same {@link EfficientNetLayers} as the EfficientNet
 * classifier. The output contract is in the package documentation and in the model's metadata
 * ({@code metadata_props}).
 *
 * <p>Example: {@code EfficientDetOnnxGenerator.write(EfficientDetArchitecture.of(D0), new SeededEfficientDetWeights(0), path)}.
 */
public final class EfficientDetOnnxGenerator {
    public static final String INPUT_NAME = "input";
    public static final String CLASS_OUTPUT = "class_logits";
    public static final String BOX_OUTPUT = "box_deltas";
    public static final String BATCH_DIM = "N";
    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;
    public static final String PRODUCER = "flink-vision";
    public static final String PRODUCER_VERSION = "0.1";

    private EfficientDetOnnxGenerator() {}

    /** The serialized model. */
    public static byte[] generate(EfficientDetArchitecture architecture, EfficientDetWeightSource weights) {
        return model(architecture, weights).toByteArray();
    }

    /** Writes the model to {@code out} (through a temporary sibling file, then an atomic rename). */
    public static void write(EfficientDetArchitecture architecture, EfficientDetWeightSource weights, Path out) {
        OnnxModelWriter.write(model(architecture, weights), out);
    }

    /** The ModelProto, not yet serialized. */
    public static ModelProto model(EfficientDetArchitecture arch, EfficientDetWeightSource source) {
        EfficientDetWeights weights = source.weightsFor(arch);
        weights.validate(arch);
        String doc = arch.summary() + ". Weights: " + source.describe() + ". Input " + INPUT_NAME
                + " NCHW RGB float32 [N,3," + arch.resolution() + "," + arch.resolution()
                + "], (x/255 - mean)/std with ImageNet mean/std, aspect-preserving resize padded at the bottom and right;"
                + " outputs " + CLASS_OUTPUT + " [N," + arch.anchorCount() + "," + arch.numClasses() + "] (sigmoid logits) and "
                + BOX_OUTPUT + " [N," + arch.anchorCount() + ",4] (ty,tx,th,tw) over anchors of P3..P7.";
        OnnxModelWriter w = new GraphBuilder(arch, weights).build();
        metadata(arch).forEach(w::metadata);
        return w.model(IR_VERSION, Map.of("", OPSET), PRODUCER, PRODUCER_VERSION, doc);
    }

    /** What a decoder needs besides the tensors, as stored in the model's {@code metadata_props}. */
    public static Map<String, String> metadata(EfficientDetArchitecture arch) {
        StringBuilder ratios = new StringBuilder();
        for (double[] r : EfficientDetArchitecture.ASPECT_RATIOS) {
            ratios.append(ratios.length() == 0 ? "" : ",").append(r[0]).append('x').append(r[1]);
        }
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("flinkvision.model_family", "efficientdet");
        m.put("flinkvision.variant", arch.variant().name());
        m.put("flinkvision.input_size", Integer.toString(arch.resolution()));
        m.put("flinkvision.num_classes", Integer.toString(arch.numClasses()));
        m.put("flinkvision.class_id_offset", "1");
        m.put("flinkvision.min_level", Integer.toString(MIN_LEVEL));
        m.put("flinkvision.max_level", Integer.toString(MAX_LEVEL));
        m.put("flinkvision.num_scales", Integer.toString(EfficientDetArchitecture.NUM_SCALES));
        m.put("flinkvision.aspect_ratios", ratios.toString());
        m.put("flinkvision.anchor_scale", Double.toString(arch.variant().anchorScale()));
        m.put("flinkvision.box_encoding", "ty,tx,th,tw");
        m.put("flinkvision.box_format", "ymin,xmin,ymax,xmax");
        m.put("flinkvision.score", "sigmoid");
        return m;
    }

    private static final class GraphBuilder {
        private final EfficientDetArchitecture arch;
        private final EfficientDetWeights weights;
        private final OnnxModelWriter w;
        private final EfficientNetLayers layers;
        private final String upsampleScales;
        private final String fusionEpsilon;

        GraphBuilder(EfficientDetArchitecture arch, EfficientDetWeights weights) {
            this.arch = arch;
            this.weights = weights;
            this.w = new OnnxModelWriter("efficientdet_" + arch.variant().name().toLowerCase(Locale.ROOT));
            this.layers = new EfficientNetLayers(w, false);
            this.upsampleScales = "const.upsample_scales";
            this.fusionEpsilon = "const.fusion_epsilon";
        }

        OnnxModelWriter build() {
            int r = arch.resolution();
            int anchors = arch.anchorCount();
            w.floatInput(INPUT_NAME, BATCH_DIM, 3, r, r);
            w.floatOutput(CLASS_OUTPUT, BATCH_DIM, anchors, arch.numClasses());
            w.floatOutput(BOX_OUTPUT, BATCH_DIM, anchors, EfficientDetArchitecture.BOX_CODE_SIZE);
            for (String name : arch.expectedShapes().keySet()) {
                w.initializer(name, weights.get(name));
            }
            w.initializer(upsampleScales, FloatTensor.of(new float[] {1f, 1f, 2f, 2f}, 4));
            w.initializer(fusionEpsilon, FloatTensor.of(new float[] {EfficientDetArchitecture.FUSION_EPSILON}, 1));

            List<String> feats = new ArrayList<>(backbone());
            for (Cell cell : arch.cells()) {
                List<String> all = new ArrayList<>(feats);
                for (FpnNode node : cell.nodes()) {
                    all.add(node(node, all));
                }
                feats = new ArrayList<>();
                for (int out : cell.outputs()) {
                    feats.add(all.get(out));
                }
            }
            head(arch.classNet(), feats, CLASS_OUTPUT);
            head(arch.boxNet(), feats, BOX_OUTPUT);
            return w;
        }

        /** P3, P4, P5 from the backbone, P6 and P7 made from P5. */
        private List<String> backbone() {
            float eps = arch.variant().backbone().batchNormEpsilon();
            int[] taps = arch.backboneTaps();
            List<String> out = new ArrayList<>();
            String x = layers.convBn(arch.backbone().stem(), INPUT_NAME, eps, true);
            List<Block> blocks = arch.backbone().blocks();
            for (int i = 0; i <= taps[2]; i++) {
                x = layers.block(blocks.get(i), x, eps);
                if (i == taps[0] || i == taps[1] || i == taps[2]) {
                    out.add(x);
                }
            }
            String p6 = maxPool("resample_p6/MaxPool",
                    layers.convBn(arch.p6Resample(), out.get(2), BATCH_NORM_EPSILON, false), arch.featureSize(5));
            out.add(p6);
            out.add(maxPool("resample_p7/MaxPool", p6, arch.featureSize(6)));
            return out;
        }

        private String node(FpnNode node, List<String> all) {
            List<String> inputs = new ArrayList<>();
            for (int k = 0; k < node.inputs().size(); k++) {
                Edge e = node.inputs().get(k);
                String x = all.get(e.source());
                String edge = node.name() + ".input_" + k;
                if (e.resample() != null) {
                    x = layers.convBn(e.resample(), x, BATCH_NORM_EPSILON, false);
                }
                x = switch (e.resize()) {
                    case NONE -> x;
                    case DOWN -> maxPool(edge + "/MaxPool", x, node.size() * 2);
                    case UP -> w.node("Resize", edge + "/Resize", List.of(x, "", upsampleScales),
                            stringAttribute("coordinate_transformation_mode", "asymmetric"),
                            stringAttribute("mode", "nearest"), stringAttribute("nearest_mode", "floor"));
                };
                inputs.add(x);
            }
            String fused = fuse(node, inputs);
            String x = layers.swish(node.name() + ".fuse", fused);
            return separable(node.conv(), x, false, "");
        }

        /** Fast normalized fusion: x_i * (relu(w_i) / (sum_j relu(w_j) + eps)), summed; or a plain sum. */
        private String fuse(FpnNode node, List<String> inputs) {
            String name = node.name() + ".fuse";
            if (node.inputs().get(0).fusionWeight() == null) {
                return w.node("Sum", name + "/Sum", inputs);
            }
            List<String> relus = new ArrayList<>();
            for (Edge e : node.inputs()) {
                relus.add(w.node("Relu", e.fusionWeight() + "/Relu", List.of(e.fusionWeight())));
            }
            String total = w.node("Sum", name + "/WeightSum", relus);
            String denominator = w.node("Add", name + "/AddEpsilon", List.of(total, fusionEpsilon));
            List<String> weighted = new ArrayList<>();
            for (int k = 0; k < inputs.size(); k++) {
                String factor = w.node("Div", name + "/Normalize_" + k, List.of(relus.get(k), denominator));
                weighted.add(w.node("Mul", name + "/Weigh_" + k, List.of(inputs.get(k), factor)));
            }
            return w.node("Sum", name + "/Sum", weighted);
        }

        /**
         * Depthwise conv (no bias), pointwise conv with bias, its BatchNorm if any, SiLU if asked. Node names
         * end in {@code placeSuffix}, which tells apart the levels a shared head layer runs at.
         */
        private String separable(SeparableConv conv, String input, boolean activation, String placeSuffix) {
            String x = layers.conv(conv.depthwise(), input, conv.depthwise().name() + placeSuffix + "/Conv");
            return layers.convBn(conv.pointwise(), x, BATCH_NORM_EPSILON, activation, conv.pointwise().name() + placeSuffix);
        }

        /** One net over P3..P7, each level [N, 9K, H, W] to [N, H*W*9, K], concatenated into {@code output}. */
        private void head(Head head, List<String> feats, String output) {
            List<String> levels = new ArrayList<>();
            String shape = w.int64Initializer("const." + head.name() + ".shape", 0, -1, head.outputsPerAnchor());
            for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
                int l = level - MIN_LEVEL;
                String at = "/P" + level;
                String x = feats.get(l);
                for (SeparableConv conv : head.layers().get(l)) {
                    x = separable(conv, x, true, at);
                }
                SeparableConv predict = head.predict().get(l);
                x = separable(predict, x, false, at);
                x = w.node("Transpose", head.name() + at + "/Transpose", List.of(x), intsAttribute("perm", 0, 2, 3, 1));
                levels.add(w.node("Reshape", head.name() + at + "/Reshape", List.of(x, shape)));
            }
            w.node("Concat", head.name() + "/Concat", levels, output, intAttribute("axis", 1));
        }

        /** 3x3 max-pool, stride 2, TensorFlow "SAME" padding: the odd padding pixel goes at the end. */
        private String maxPool(String name, String x, int inputSize) {
            int out = (inputSize + 1) / 2;
            int padTotal = Math.max((out - 1) * 2 + 3 - inputSize, 0);
            long begin = padTotal / 2;
            long end = padTotal - begin;
            return w.node("MaxPool", name, List.of(x), intsAttribute("kernel_shape", 3, 3),
                    intsAttribute("pads", begin, begin, end, end), intsAttribute("strides", 2, 2));
        }
    }
}
