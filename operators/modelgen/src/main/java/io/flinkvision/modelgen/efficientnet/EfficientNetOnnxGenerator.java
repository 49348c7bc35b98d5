package io.flinkvision.modelgen.efficientnet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.Block;
import io.flinkvision.modelgen.onnx.OnnxModelWriter;
import io.flinkvision.modelgen.onnx.proto.Onnx.ModelProto;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.flinkvision.modelgen.onnx.OnnxModelWriter.floatAttribute;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intAttribute;

/**
 * Writes EfficientNet-B0..B7 as an ONNX model (IR 8, opset 13) with the same I/O contract as the
 * shared torchvision export: input {@code input} float32 [N,3,R,R] (NCHW, RGB, ImageNet mean/std),
 * output {@code logits} float32 [N,1000]. The graph uses Conv, BatchNormalization (only for unfolded
 * weights), Sigmoid+Mul (SiLU), GlobalAveragePool, Flatten, Gemm and Add; dropout and stochastic
 * depth are inference no-ops and are left out.
 *
 * <p>Example: {@code EfficientNetOnnxGenerator.write(EfficientNetVariant.B0, new SeededWeights(0), path)}.
 */
public final class EfficientNetOnnxGenerator {
    public static final String INPUT_NAME = "input";
    public static final String OUTPUT_NAME = "logits";
    public static final String BATCH_DIM = "N";
    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;
    public static final String PRODUCER = "flink-vision";
    public static final String PRODUCER_VERSION = "0.1";

    private EfficientNetOnnxGenerator() {}

    /** The serialized model for a variant at its native resolution. */
    public static byte[] generate(EfficientNetVariant variant, WeightSource weights) {
        return generate(EfficientNetArchitecture.of(variant), weights);
    }

    public static byte[] generate(EfficientNetArchitecture architecture, WeightSource weights) {
        return model(architecture, weights).toByteArray();
    }

    /** Writes the model to {@code out} (through a temporary sibling file, then an atomic rename). */
    public static void write(EfficientNetVariant variant, WeightSource weights, Path out) {
        write(EfficientNetArchitecture.of(variant), weights, out);
    }

    public static void write(EfficientNetArchitecture architecture, WeightSource weights, Path out) {
        OnnxModelWriter.write(model(architecture, weights), out);
    }

    /** The ModelProto, not yet serialized. */
    public static ModelProto model(EfficientNetArchitecture arch, WeightSource source) {
        EfficientNetWeights weights = source.weightsFor(arch);
        weights.validate(arch);
        String doc = arch.summary() + ". Weights: " + source.describe()
                + (weights.foldedBatchNorm() ? " (BatchNorm folded into Conv)." : ".")
                + " Input NCHW RGB float32, (x/255 - mean)/std with ImageNet mean/std; output raw logits.";
        return new GraphBuilder(arch, weights).build()
                .model(IR_VERSION, Map.of("", OPSET), PRODUCER, PRODUCER_VERSION, doc);
    }

    private static final class GraphBuilder {
        private final EfficientNetArchitecture arch;
        private final EfficientNetWeights weights;
        private final OnnxModelWriter w;
        private final EfficientNetLayers layers;

        GraphBuilder(EfficientNetArchitecture arch, EfficientNetWeights weights) {
            this.arch = arch;
            this.weights = weights;
            this.w = new OnnxModelWriter("efficientnet_" + arch.variant().name().toLowerCase(java.util.Locale.ROOT));
            this.layers = new EfficientNetLayers(w, weights.foldedBatchNorm());
        }

        OnnxModelWriter build() {
            int r = arch.resolution();
            float eps = arch.variant().batchNormEpsilon();
            w.floatInput(INPUT_NAME, BATCH_DIM, 3, r, r);
            w.floatOutput(OUTPUT_NAME, BATCH_DIM, arch.numClasses());
            for (String name : EfficientNetWeights.expectedShapes(arch, weights.foldedBatchNorm()).keySet()) {
                w.initializer(name, weights.get(name));
            }
            String x = layers.convBn(arch.stem(), INPUT_NAME, eps, true);
            for (Block b : arch.blocks()) {
                x = layers.block(b, x, eps);
            }
            x = layers.convBn(arch.head(), x, eps, true);
            x = w.node("GlobalAveragePool", "avgpool", List.of(x));
            x = w.node("Flatten", "flatten", List.of(x), intAttribute("axis", 1));
            String c = EfficientNetWeights.CLASSIFIER;
            w.node("Gemm", c, List.of(x, c + ".weight", c + ".bias"), OUTPUT_NAME,
                    floatAttribute("alpha", 1f), floatAttribute("beta", 1f), intAttribute("transB", 1));
            return w;
        }
    }
}
