package io.flinkvision.modelgen.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link OnnxWeightReader} decodes from an ONNX file: versions, graph inputs/outputs, nodes in
 * graph order, and float32 initializers by name (insertion order kept).
 */
public record OnnxModelInfo(
        long irVersion,
        Map<String, Long> opsets,
        String producer,
        List<ValueInfo> inputs,
        List<ValueInfo> outputs,
        List<Node> nodes,
        Map<String, FloatTensor> initializers) {

    /** A graph input or output: name, element type (1 = float) and dims (a number or a symbolic name). */
    public record ValueInfo(String name, int elemType, List<String> dims) {}

    /** One node; attributes by name. */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {
        public Optional<Attribute> attribute(String attributeName) {
            return Optional.ofNullable(attributes.get(attributeName));
        }
    }

    /** An attribute; only the member matching {@code type} (ONNX AttributeType) is meaningful. */
    public record Attribute(String name, int type, long i, float f, String s, long[] ints, float[] floats) {}

    /** Graph inputs that are not initializers (what a caller must feed). */
    public List<ValueInfo> feedInputs() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.name())).toList();
    }

    public FloatTensor initializer(String name) {
        FloatTensor t = initializers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no float initializer named '" + name + "'");
        }
        return t;
    }
}
