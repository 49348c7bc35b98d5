package io.flinkvision.modelgen.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flinkvision.modelgen.onnx.proto.Onnx.AttributeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.GraphProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.ModelProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.NodeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.OperatorSetIdProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.TensorProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.TensorShapeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.ValueInfoProto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ONNX ModelProto (with the classes generated from {@code onnx.proto}) into an
 * {@link OnnxModelInfo}: the graph's nodes, inputs, outputs and float32 initializers, whether stored as
 * {@code raw_data} (little-endian bytes) or {@code float_data}. Initializers of other element types are
 * ignored; external data is rejected.
 */
public final class OnnxWeightReader {

    private OnnxWeightReader() {}

    public static OnnxModelInfo read(Path file) {
        try {
            return read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + file, e);
        }
    }

    public static OnnxModelInfo read(byte[] model) {
        try {
            return read(ModelProto.parseFrom(model));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a valid ONNX ModelProto: " + e.getMessage(), e);
        }
    }

    public static OnnxModelInfo read(ModelProto model) {
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            opsets.put(opset.getDomain(), opset.getVersion());
        }
        GraphProto graph = model.getGraph();
        List<OnnxModelInfo.Node> nodes = new ArrayList<>(graph.getNodeCount());
        for (NodeProto node : graph.getNodeList()) {
            nodes.add(node(node));
        }
        Map<String, FloatTensor> initializers = new LinkedHashMap<>();
        for (TensorProto tensor : graph.getInitializerList()) {
            if (tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                initializers.put(tensor.getName(), floats(tensor));
            }
        }
        return new OnnxModelInfo(model.getIrVersion(), opsets, model.getProducerName(),
                valueInfos(graph.getInputList()), valueInfos(graph.getOutputList()), nodes, initializers);
    }

    /** Only the float32 initializers of a model, by name. */
    public static Map<String, FloatTensor> initializers(Path file) {
        return read(file).initializers();
    }

    private static OnnxModelInfo.Node node(NodeProto node) {
        Map<String, OnnxModelInfo.Attribute> attributes = new LinkedHashMap<>();
        for (AttributeProto a : node.getAttributeList()) {
            float[] floats = new float[a.getFloatsCount()];
            for (int k = 0; k < floats.length; k++) {
                floats[k] = a.getFloats(k);
            }
            long[] ints = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            attributes.put(a.getName(), new OnnxModelInfo.Attribute(a.getName(), a.getType().getNumber(), a.getI(),
                    a.getF(), a.getS().toStringUtf8(), ints, floats));
        }
        return new OnnxModelInfo.Node(node.getName(), node.getOpType(), List.copyOf(node.getInputList()),
                List.copyOf(node.getOutputList()), attributes);
    }

    private static FloatTensor floats(TensorProto tensor) {
        String name = tensor.getName();
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("initializer '" + name + "' uses external data, which is not supported");
        }
        float[] values;
        if (tensor.hasRawData()) {
            int bytes = tensor.getRawData().size();
            if (bytes % Float.BYTES != 0) {
                throw new IllegalArgumentException("initializer '" + name + "' raw_data is not a whole number of floats");
            }
            values = new float[bytes / Float.BYTES];
            tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            values = new float[tensor.getFloatDataCount()];
            for (int k = 0; k < values.length; k++) {
                values[k] = tensor.getFloatData(k);
            }
        }
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return new FloatTensor(dims, values);
    }

    private static List<OnnxModelInfo.ValueInfo> valueInfos(List<ValueInfoProto> values) {
        List<OnnxModelInfo.ValueInfo> out = new ArrayList<>(values.size());
        for (ValueInfoProto v : values) {
            List<String> dims = new ArrayList<>();
            for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
                dims.add(switch (d.getValueCase()) {
                    case DIM_VALUE -> Long.toString(d.getDimValue());
                    case DIM_PARAM -> d.getDimParam();
                    case VALUE_NOT_SET -> "?";
                });
            }
            out.add(new OnnxModelInfo.ValueInfo(v.getName(), v.getType().getTensorType().getElemType(), List.copyOf(dims)));
        }
        return out;
    }
}
