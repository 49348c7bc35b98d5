package io.flinkvision.modelgen.efficientnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.flinkvision.modelgen.efficientnet.OnnxFields.*;

/**
 * Assembles an ONNX ModelProto (graph, nodes, float initializers, typed inputs and outputs, opset
 * imports) as {@link ProtoMessage}s. Tensors are referenced, not copied, until written.
 */
public final class OnnxModelWriter {
    private final String graphName;
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final List<ProtoMessage> initializers = new ArrayList<>();
    private final List<ProtoMessage> inputs = new ArrayList<>();
    private final List<ProtoMessage> outputs = new ArrayList<>();

    public OnnxModelWriter(String graphName) {
        this.graphName = graphName;
    }

    /** A float32 graph input; each dim is a number (fixed) or a String (symbolic, e.g. the batch "N"). */
    public OnnxModelWriter floatInput(String name, Object... dims) {
        inputs.add(valueInfo(name, DATA_TYPE_FLOAT, dims));
        return this;
    }

    public OnnxModelWriter floatOutput(String name, Object... dims) {
        outputs.add(valueInfo(name, DATA_TYPE_FLOAT, dims));
        return this;
    }

    /** Adds an initializer and returns its name. */
    public String initializer(String name, FloatTensor tensor) {
        initializers.add(tensor(name, tensor));
        return name;
    }

    /** Adds a node whose single output is named after it ({@code <name>_output_0}) and returns that output. */
    public String node(String opType, String name, List<String> nodeInputs, ProtoMessage... attributes) {
        return node(opType, name, nodeInputs, name + "_output_0", attributes);
    }

    public String node(String opType, String name, List<String> nodeInputs, String output, ProtoMessage... attributes) {
        ProtoMessage node = new ProtoMessage();
        for (String in : nodeInputs) {
            node.string(NODE_INPUT, in);
        }
        node.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP_TYPE, opType);
        for (ProtoMessage a : attributes) {
            node.message(NODE_ATTRIBUTE, a);
        }
        nodes.add(node);
        return output;
    }

    public int nodeCount() {
        return nodes.size();
    }

    public static ProtoMessage intAttribute(String name, long value) {
        return new ProtoMessage().string(ATTR_NAME, name).varint(ATTR_I, value).varint(ATTR_TYPE, ATTR_TYPE_INT);
    }

    public static ProtoMessage intsAttribute(String name, long... values) {
        return new ProtoMessage().string(ATTR_NAME, name).varints(ATTR_INTS, values).varint(ATTR_TYPE, ATTR_TYPE_INTS);
    }

    public static ProtoMessage floatAttribute(String name, float value) {
        return new ProtoMessage().string(ATTR_NAME, name).float32(ATTR_F, value).varint(ATTR_TYPE, ATTR_TYPE_FLOAT);
    }

    /** A float32 TensorProto with the values as little-endian {@code raw_data}. */
    public static ProtoMessage tensor(String name, FloatTensor t) {
        return new ProtoMessage()
                .varints(TENSOR_DIMS, t.dims())
                .varint(TENSOR_DATA_TYPE, DATA_TYPE_FLOAT)
                .string(TENSOR_NAME, name)
                .littleEndianFloats(TENSOR_RAW_DATA, t.data());
    }

    static ProtoMessage valueInfo(String name, int elemType, Object... dims) {
        ProtoMessage shape = new ProtoMessage();
        for (Object d : dims) {
            ProtoMessage dim = new ProtoMessage();
            if (d instanceof Number n) {
                dim.varint(DIM_VALUE, n.longValue());
            } else {
                dim.string(DIM_PARAM, d.toString());
            }
            shape.message(SHAPE_DIM, dim);
        }
        ProtoMessage tensorType = new ProtoMessage().varint(TENSOR_TYPE_ELEM_TYPE, elemType).message(TENSOR_TYPE_SHAPE, shape);
        ProtoMessage type = new ProtoMessage().message(TYPE_TENSOR_TYPE, tensorType);
        return new ProtoMessage().string(VALUE_INFO_NAME, name).message(VALUE_INFO_TYPE, type);
    }

    /**
     * The ModelProto. {@code opsets} maps domain ("" = ai.onnx) to version.
     */
    public ProtoMessage model(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion,
                              String docString) {
        ProtoMessage graph = new ProtoMessage();
        for (ProtoMessage n : nodes) {
            graph.message(GRAPH_NODE, n);
        }
        graph.string(GRAPH_NAME, graphName);
        for (ProtoMessage t : initializers) {
            graph.message(GRAPH_INITIALIZER, t);
        }
        for (ProtoMessage i : inputs) {
            graph.message(GRAPH_INPUT, i);
        }
        for (ProtoMessage o : outputs) {
            graph.message(GRAPH_OUTPUT, o);
        }
        ProtoMessage model = new ProtoMessage()
                .varint(MODEL_IR_VERSION, irVersion)
                .string(MODEL_PRODUCER_NAME, producerName)
                .string(MODEL_PRODUCER_VERSION, producerVersion)
                .string(MODEL_DOC_STRING, docString)
                .message(MODEL_GRAPH, graph);
        for (Map.Entry<String, Long> e : opsets.entrySet()) {
            model.message(MODEL_OPSET_IMPORT,
                    new ProtoMessage().string(OPSET_DOMAIN, e.getKey()).varint(OPSET_VERSION, e.getValue()));
        }
        return model;
    }
}
