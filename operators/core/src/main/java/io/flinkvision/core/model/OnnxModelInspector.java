package io.flinkvision.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads an ONNX model's input and output signature and custom metadata by opening a short-lived session. */
public final class OnnxModelInspector {
    private static final String ONNX_TYPE_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";

    private OnnxModelInspector() {}

    /** @throws IllegalArgumentException when ONNX Runtime cannot load the file */
    public static ModelSignature inspect(Path model) {
        // No graph optimisation: only the declared I/O is needed, so loading is as cheap as it gets.
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = OnnxEnvironment.get().createSession(model.toString(), options)) {
                return new ModelSignature(signatures(session.getInputInfo()), signatures(session.getOutputInfo()),
                        session.getMetadata().getCustomMetadata());
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "ONNX Runtime cannot load the model " + model + ": " + e.getMessage(), e);
        }
    }

    private static List<TensorSignature> signatures(Map<String, NodeInfo> nodes) {
        List<TensorSignature> out = new ArrayList<>(nodes.size());
        for (NodeInfo node : nodes.values()) {
            if (node.getInfo() instanceof TensorInfo tensor) {
                out.add(new TensorSignature(node.getName(), elementType(tensor), tensor.getShape()));
            } else {
                // Sequences and maps cannot carry an image or a score row; keep them visible in messages.
                out.add(new TensorSignature(node.getName(), "NON_TENSOR", new long[0]));
            }
        }
        return out;
    }

    private static String elementType(TensorInfo tensor) {
        String name = tensor.onnxType.name();
        return name.startsWith(ONNX_TYPE_PREFIX) ? name.substring(ONNX_TYPE_PREFIX.length()) : name;
    }
}
