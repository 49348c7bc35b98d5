package io.flinkvision.core.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs and outputs of an ONNX graph, in the graph's order, and the model's custom metadata
 * ({@code metadata_props}: key/value strings a generator or exporter attached, such as a detector's
 * anchor settings).
 */
public record ModelSignature(List<TensorSignature> inputs, List<TensorSignature> outputs, Map<String, String> metadata) {
    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        metadata = Map.copyOf(metadata);
    }

    public ModelSignature(List<TensorSignature> inputs, List<TensorSignature> outputs) {
        this(inputs, outputs, Map.of());
    }

    public Optional<TensorSignature> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<TensorSignature> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<String> inputNames() {
        return inputs.stream().map(TensorSignature::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(TensorSignature::name).toList();
    }
}
