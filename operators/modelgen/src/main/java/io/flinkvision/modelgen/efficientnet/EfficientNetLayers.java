package io.flinkvision.modelgen.efficientnet;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.Block;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.ConvSpec;
import io.flinkvision.modelgen.onnx.OnnxModelWriter;

import java.util.ArrayList;
import java.util.List;

import static io.flinkvision.modelgen.onnx.OnnxModelWriter.floatAttribute;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intAttribute;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intsAttribute;

/**
 * Emits EfficientNet's layers into an {@link OnnxModelWriter}: convolution, BatchNormalization, SiLU
 * (Sigmoid + Mul) and the MBConv block. Tensor inputs are named after the layers ({@code <conv>.weight},
 * {@code <conv>.bias}, {@code <bn>.running_mean}, ...); the caller writes the initializers. Shared by
 * the EfficientNet classifier and the EfficientDet detector, whose backbone it is.
 */
public final class EfficientNetLayers {
    private final OnnxModelWriter w;
    private final boolean foldedBatchNorm;

    /** {@code foldedBatchNorm}: every convolution carries its BatchNorm as a bias, and no BatchNorm node is written. */
    public EfficientNetLayers(OnnxModelWriter w, boolean foldedBatchNorm) {
        this.w = w;
        this.foldedBatchNorm = foldedBatchNorm;
    }

    /** One MBConv block: [expand] - depthwise - squeeze-and-excitation - project [- residual add]. */
    public String block(Block b, String input, float batchNormEpsilon) {
        String x = input;
        if (b.hasExpansion()) {
            x = convBn(b.expand(), x, batchNormEpsilon, true);
        }
        x = convBn(b.depthwise(), x, batchNormEpsilon, true);
        String pooled = w.node("GlobalAveragePool", b.squeeze().name() + "/avgpool", List.of(x));
        String s = swish(b.squeeze().name(), conv(b.squeeze(), pooled));
        String gate = w.node("Sigmoid", b.excite().name() + "/scale", List.of(conv(b.excite(), s)));
        x = w.node("Mul", b.name() + ".se/Mul", List.of(x, gate));
        x = convBn(b.project(), x, batchNormEpsilon, false);
        if (b.residual()) {
            x = w.node("Add", b.name() + "/Add", List.of(x, input));
        }
        return x;
    }

    /** Convolution, then its BatchNorm (if it has one and it is not folded), then SiLU if asked. */
    public String convBn(ConvSpec c, String input, float batchNormEpsilon, boolean activation) {
        return convBn(c, input, batchNormEpsilon, activation, c.name());
    }

    /**
     * As {@link #convBn(ConvSpec, String, float, boolean)}, with the Conv and SiLU nodes named after
     * {@code nodePrefix}: a layer whose weights are shared by several places in the graph needs one
     * name per place.
     */
    public String convBn(ConvSpec c, String input, float batchNormEpsilon, boolean activation, String nodePrefix) {
        String x = conv(c, input, nodePrefix + "/Conv");
        if (c.hasBatchNorm() && !foldedBatchNorm) {
            String bn = c.batchNormName();
            x = w.node("BatchNormalization", bn + "/BatchNormalization",
                    List.of(x, bn + ".weight", bn + ".bias", bn + ".running_mean", bn + ".running_var"),
                    floatAttribute("epsilon", batchNormEpsilon));
        }
        return activation ? swish(nodePrefix, x) : x;
    }

    /** A Conv node, named {@code <conv>/Conv}, with symmetric padding (k-1)/2. */
    public String conv(ConvSpec c, String input) {
        return conv(c, input, c.name() + "/Conv");
    }

    /** As {@link #conv(ConvSpec, String)}, under another node name (one layer applied at several places). */
    public String conv(ConvSpec c, String input, String nodeName) {
        List<String> inputs = new ArrayList<>(List.of(input, c.name() + ".weight"));
        if (c.hasBias() || (foldedBatchNorm && c.hasBatchNorm())) {
            inputs.add(c.name() + ".bias");
        }
        long p = c.padding();
        return w.node("Conv", nodeName, inputs,
                intsAttribute("dilations", 1, 1),
                intAttribute("group", c.groups()),
                intsAttribute("kernel_shape", c.kernel(), c.kernel()),
                intsAttribute("pads", p, p, p, p),
                intsAttribute("strides", c.stride(), c.stride()));
    }

    /** SiLU, x * sigmoid(x), as the two nodes torchvision's export uses. */
    public String swish(String name, String x) {
        String sig = w.node("Sigmoid", name + "/SiLU/Sigmoid", List.of(x));
        return w.node("Mul", name + "/SiLU/Mul", List.of(x, sig));
    }
}
