package io.flinkvision.modelgen.efficientnet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.ConvSpec;
import io.flinkvision.modelgen.onnx.FloatTensor;
import io.flinkvision.modelgen.onnx.OnnxModelInfo;
import io.flinkvision.modelgen.onnx.OnnxWeightReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights taken from an existing EfficientNet ONNX file, for instance a torchvision export. Two
 * layouts are understood:
 * <ul>
 *   <li><b>unfolded</b>: every conv weight and BatchNorm tensor is an initializer under its torchvision
 *       state-dict name (what this package writes for {@link SeededWeights}); they are taken by name;</li>
 *   <li><b>folded</b>: {@code torch.onnx.export} in eval mode with constant folding merges each BatchNorm
 *       into its Conv, whose weight and bias become anonymous initializers ({@code onnx::Conv_650}). Then
 *       the i-th Conv node of the graph is the i-th convolution of {@link EfficientNetArchitecture#convs()}
 *       (both are in forward order); the kernel shape, group and stride are checked for every one. The
 *       export also de-duplicates equal initializers through Identity nodes; those aliases are followed.</li>
 * </ul>
 * The classifier is read from the Gemm node (transposed if {@code transB} is 0).
 */
public final class ImportedWeights implements WeightSource {
    private final OnnxModelInfo model;
    private final String origin;

    private ImportedWeights(OnnxModelInfo model, String origin) {
        this.model = model;
        this.origin = origin;
    }

    public static ImportedWeights from(Path onnxFile) {
        return new ImportedWeights(OnnxWeightReader.read(onnxFile), onnxFile.getFileName().toString());
    }

    public static ImportedWeights from(OnnxModelInfo model, String origin) {
        return new ImportedWeights(model, origin);
    }

    @Override
    public String describe() {
        return "imported from " + origin;
    }

    @Override
    public EfficientNetWeights weightsFor(EfficientNetArchitecture arch) {
        Map<String, String> aliases = new HashMap<>();
        for (OnnxModelInfo.Node n : model.nodes()) {
            if (n.opType().equals("Identity") && n.inputs().size() == 1 && n.outputs().size() == 1) {
                aliases.put(n.outputs().get(0), n.inputs().get(0));
            }
        }
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        boolean unfolded = EfficientNetWeights.expectedShapes(arch, false).keySet().stream()
                .filter(name -> !name.startsWith(EfficientNetWeights.CLASSIFIER))
                .allMatch(name -> lookup(name, aliases) != null);
        List<OnnxModelInfo.Node> convNodes = model.nodes().stream().filter(n -> n.opType().equals("Conv")).toList();
        List<ConvSpec> convs = arch.convs();
        if (unfolded) {
            for (String name : EfficientNetWeights.expectedShapes(arch, false).keySet()) {
                if (!name.startsWith(EfficientNetWeights.CLASSIFIER)) {
                    tensors.put(name, lookup(name, aliases));
                }
            }
        } else {
            if (convNodes.size() != convs.size()) {
                throw new IllegalArgumentException(origin + " has " + convNodes.size() + " Conv nodes; EfficientNet-"
                        + arch.variant() + " has " + convs.size() + " convolutions");
            }
            for (int i = 0; i < convs.size(); i++) {
                ConvSpec spec = convs.get(i);
                OnnxModelInfo.Node node = convNodes.get(i);
                check(node, spec, aliases);
                FloatTensor weight = require(node.inputs().get(1), aliases, node);
                FloatTensor bias = node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()
                        ? require(node.inputs().get(2), aliases, node)
                        : FloatTensor.of(new float[spec.outChannels()], spec.outChannels());
                tensors.put(spec.name() + ".weight", weight);
                tensors.put(spec.name() + ".bias", bias);
            }
        }
        importClassifier(arch, aliases, tensors);
        EfficientNetWeights weights = new EfficientNetWeights(tensors, !unfolded);
        weights.validate(arch);
        return weights;
    }

    private void importClassifier(EfficientNetArchitecture arch, Map<String, String> aliases,
                                  Map<String, FloatTensor> tensors) {
        List<OnnxModelInfo.Node> gemms = model.nodes().stream().filter(n -> n.opType().equals("Gemm")).toList();
        if (gemms.size() != 1 || gemms.get(0).inputs().size() < 3) {
            throw new IllegalArgumentException(origin + ": expected one Gemm (the classifier) with a bias, found "
                    + gemms.size());
        }
        OnnxModelInfo.Node gemm = gemms.get(0);
        FloatTensor weight = require(gemm.inputs().get(1), aliases, gemm);
        long transB = gemm.attribute("transB").map(OnnxModelInfo.Attribute::i).orElse(0L);
        if (transB == 0) {
            weight = transpose(weight);
        }
        tensors.put(EfficientNetWeights.CLASSIFIER + ".weight", weight);
        tensors.put(EfficientNetWeights.CLASSIFIER + ".bias", require(gemm.inputs().get(2), aliases, gemm));
    }

    private void check(OnnxModelInfo.Node node, ConvSpec spec, Map<String, String> aliases) {
        long group = node.attribute("group").map(OnnxModelInfo.Attribute::i).orElse(1L);
        long[] strides = node.attribute("strides").map(OnnxModelInfo.Attribute::ints).orElse(new long[] {1, 1});
        FloatTensor weight = lookup(node.inputs().get(1), aliases);
        boolean shapeOk = weight == null || weight.hasShape(spec.weightShape());
        if (group != spec.groups() || !Arrays.equals(strides, new long[] {spec.stride(), spec.stride()}) || !shapeOk) {
            throw new IllegalArgumentException(origin + ": Conv node '" + node.name() + "' (group " + group
                    + ", strides " + Arrays.toString(strides) + ") does not match " + spec.name() + " (group "
                    + spec.groups() + ", stride " + spec.stride() + ", weight " + Arrays.toString(spec.weightShape()) + ")");
        }
    }

    private FloatTensor lookup(String name, Map<String, String> aliases) {
        String resolved = name;
        for (int hops = 0; hops < 16 && !model.initializers().containsKey(resolved) && aliases.containsKey(resolved); hops++) {
            resolved = aliases.get(resolved);
        }
        return model.initializers().get(resolved);
    }

    private FloatTensor require(String name, Map<String, String> aliases, OnnxModelInfo.Node node) {
        FloatTensor t = lookup(name, aliases);
        if (t == null) {
            throw new IllegalArgumentException(origin + ": input '" + name + "' of node '" + node.name()
                    + "' is not a float initializer");
        }
        return t;
    }

    private static FloatTensor transpose(FloatTensor m) {
        if (m.dims().length != 2) {
            throw new IllegalArgumentException("classifier weight must be 2-D, got " + m.shapeString());
        }
        int rows = (int) m.dims()[0];
        int cols = (int) m.dims()[1];
        float[] t = new float[m.data().length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m.data()[r * cols + c];
            }
        }
        return FloatTensor.of(t, cols, rows);
    }

    /** Names of the source's initializers, for diagnostics. */
    public List<String> sourceInitializerNames() {
        return new ArrayList<>(model.initializers().keySet());
    }
}
