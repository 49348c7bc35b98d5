package io.flinkvision.modelgen.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flinkvision.modelgen.onnx.proto.Onnx.AttributeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.GraphProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.ModelProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.NodeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.OperatorSetIdProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.StringStringEntryProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.TensorProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.TensorShapeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.TypeProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.ValueInfoProto;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles an ONNX {@link ModelProto} (graph, nodes, initializers, typed inputs and outputs, opset
 * imports) with the classes generated from {@code onnx.proto}. The one ONNX writer of the project:
 * every generated model family and the tests' tiny models go through it.
 */
public final class OnnxModelWriter {
    private final GraphProto.Builder graph;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public OnnxModelWriter(String graphName) {
        this.graph = GraphProto.newBuilder().setName(graphName);
    }

    /** A float32 graph input; each dim is a number (fixed) or a String (symbolic, e.g. the batch "N"). */
    public OnnxModelWriter floatInput(String name, Object... dims) {
        return input(name, TensorProto.DataType.FLOAT, dims);
    }

    public OnnxModelWriter floatOutput(String name, Object... dims) {
        return output(name, TensorProto.DataType.FLOAT, dims);
    }

    public OnnxModelWriter input(String name, TensorProto.DataType elemType, Object... dims) {
        graph.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    public OnnxModelWriter output(String name, TensorProto.DataType elemType, Object... dims) {
        graph.addOutput(valueInfo(name, elemType, dims));
        return this;
    }

    /** Adds a float32 initializer and returns its name. */
    public String initializer(String name, FloatTensor tensor) {
        graph.addInitializer(tensor(name, tensor));
        return name;
    }

    /** Adds a 1-D int64 initializer (shapes, axes) and returns its name. */
    public String int64Initializer(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(Math.multiplyExact(values.length, Long.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        graph.addInitializer(TensorProto.newBuilder()
                .addDims(values.length)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .setName(name)
                .setRawData(UnsafeByteOperations.unsafeWrap(raw.array())));
        return name;
    }

    /** Adds a node whose single output is named after it ({@code <name>_output_0}) and returns that output. */
    public String node(String opType, String name, List<String> nodeInputs, AttributeProto... attributes) {
        return node(opType, name, nodeInputs, name + "_output_0", attributes);
    }

    public String node(String opType, String name, List<String> nodeInputs, String output, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder()
                .addAllInput(nodeInputs)
                .addOutput(output)
                .setName(name)
                .setOpType(opType)
                .addAllAttribute(List.of(attributes)));
        return output;
    }

    /** A key/value pair for the model's {@code metadata_props} (ONNX Runtime: {@code OnnxModelMetadata.getCustomMetadata()}). */
    public OnnxModelWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public int nodeCount() {
        return graph.getNodeCount();
    }

    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setI(value).setType(AttributeProto.AttributeType.INT).build();
    }

    public static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setF(value).setType(AttributeProto.AttributeType.FLOAT).build();
    }

    public static AttributeProto stringAttribute(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setS(ByteString.copyFromUtf8(value))
                .setType(AttributeProto.AttributeType.STRING).build();
    }

    /** A float32 TensorProto with the values as little-endian {@code raw_data} (one copy of the array). */
    public static TensorProto tensor(String name, FloatTensor t) {
        float[] values = t.data();
        ByteBuffer raw = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder();
        for (long d : t.dims()) {
            tensor.addDims(d);
        }
        // The buffer is never touched again, so the ByteString may wrap it instead of copying it a second time.
        return tensor.setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setName(name)
                .setRawData(UnsafeByteOperations.unsafeWrap(raw.array()))
                .build();
    }

    static ValueInfoProto valueInfo(String name, TensorProto.DataType elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof Number n) {
                shape.addDimBuilder().setDimValue(n.longValue());
            } else {
                shape.addDimBuilder().setDimParam(d.toString());
            }
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType.getNumber()).setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    /** The ModelProto. {@code opsets} maps domain ("" = ai.onnx) to version. */
    public ModelProto model(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion,
                            String docString) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .setGraph(graph);
        for (Map.Entry<String, Long> e : opsets.entrySet()) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return model.build();
    }

    /**
     * Writes {@code model} to {@code out} through a temporary sibling file and an atomic rename, so a
     * concurrent reader never sees half a model.
     */
    public static void write(ModelProto model, Path out) {
        Path target = out.toAbsolutePath();
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try {
                try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                    model.writeTo(os);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
