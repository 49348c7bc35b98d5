package io.flinkvision.modelgen.efficientnet;

import com.google.protobuf.CodedInputStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.flinkvision.modelgen.efficientnet.OnnxFields.*;

/**
 * Decodes an ONNX ModelProto with {@link CodedInputStream}: the graph's nodes, inputs, outputs and
 * float32 initializers, whether stored as {@code raw_data} (little-endian bytes) or {@code float_data}
 * (packed or not). Other message fields are skipped. Initializers of other element types are ignored;
 * external data is rejected.
 */
public final class OnnxWeightReader {
    private static final int WIRE_LENGTH_DELIMITED = 2;

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
            return readModel(CodedInputStream.newInstance(model));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid ONNX ModelProto: " + e.getMessage(), e);
        }
    }

    /** Only the float32 initializers of a model, by name. */
    public static Map<String, FloatTensor> initializers(Path file) {
        return read(file).initializers();
    }

    private static OnnxModelInfo readModel(CodedInputStream in) throws IOException {
        long irVersion = 0;
        String producer = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        GraphParts graph = new GraphParts();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case MODEL_IR_VERSION -> irVersion = in.readInt64();
                case MODEL_PRODUCER_NAME -> producer = in.readStringRequireUtf8();
                case MODEL_OPSET_IMPORT -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    String domain = "";
                    long version = 0;
                    for (int t; (t = in.readTag()) != 0; ) {
                        switch (t >>> 3) {
                            case OPSET_DOMAIN -> domain = in.readStringRequireUtf8();
                            case OPSET_VERSION -> version = in.readInt64();
                            default -> in.skipField(t);
                        }
                    }
                    in.popLimit(limit);
                    opsets.put(domain, version);
                }
                case MODEL_GRAPH -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    readGraph(in, graph);
                    in.popLimit(limit);
                }
                default -> in.skipField(tag);
            }
        }
        return new OnnxModelInfo(irVersion, opsets, producer, graph.inputs, graph.outputs, graph.nodes,
                graph.initializers);
    }

    private static final class GraphParts {
        final List<OnnxModelInfo.ValueInfo> inputs = new ArrayList<>();
        final List<OnnxModelInfo.ValueInfo> outputs = new ArrayList<>();
        final List<OnnxModelInfo.Node> nodes = new ArrayList<>();
        final Map<String, FloatTensor> initializers = new LinkedHashMap<>();
    }

    private static void readGraph(CodedInputStream in, GraphParts graph) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = tag >>> 3;
            if (field != GRAPH_NODE && field != GRAPH_INITIALIZER && field != GRAPH_INPUT && field != GRAPH_OUTPUT) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            switch (field) {
                case GRAPH_NODE -> graph.nodes.add(readNode(in));
                case GRAPH_INITIALIZER -> readTensor(in, graph.initializers);
                case GRAPH_INPUT -> graph.inputs.add(readValueInfo(in));
                default -> graph.outputs.add(readValueInfo(in));
            }
            in.popLimit(limit);
        }
    }

    private static OnnxModelInfo.Node readNode(CodedInputStream in) throws IOException {
        String name = "";
        String opType = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxModelInfo.Attribute> attributes = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case NODE_INPUT -> inputs.add(in.readStringRequireUtf8());
                case NODE_OUTPUT -> outputs.add(in.readStringRequireUtf8());
                case NODE_NAME -> name = in.readStringRequireUtf8();
                case NODE_OP_TYPE -> opType = in.readStringRequireUtf8();
                case NODE_ATTRIBUTE -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    OnnxModelInfo.Attribute a = readAttribute(in);
                    in.popLimit(limit);
                    attributes.put(a.name(), a);
                }
                default -> in.skipField(tag);
            }
        }
        return new OnnxModelInfo.Node(name, opType, List.copyOf(inputs), List.copyOf(outputs), attributes);
    }

    private static OnnxModelInfo.Attribute readAttribute(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        long i = 0;
        float f = 0;
        String s = "";
        List<Long> ints = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case ATTR_NAME -> name = in.readStringRequireUtf8();
                case ATTR_TYPE -> type = in.readEnum();
                case ATTR_I -> i = in.readInt64();
                case ATTR_F -> f = in.readFloat();
                case ATTR_S -> s = new String(in.readByteArray(), StandardCharsets.UTF_8);
                case ATTR_INTS -> readInt64s(in, tag, ints);
                case ATTR_FLOATS -> readFloats(in, tag, floats);
                default -> in.skipField(tag);
            }
        }
        float[] fl = new float[floats.size()];
        for (int k = 0; k < fl.length; k++) {
            fl[k] = floats.get(k);
        }
        return new OnnxModelInfo.Attribute(name, type, i, f, s, ints.stream().mapToLong(Long::longValue).toArray(), fl);
    }

    private static void readTensor(CodedInputStream in, Map<String, FloatTensor> out) throws IOException {
        String name = "";
        int dataType = 0;
        List<Long> dims = new ArrayList<>();
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        boolean external = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case TENSOR_DIMS -> readInt64s(in, tag, dims);
                case TENSOR_DATA_TYPE -> dataType = in.readInt32();
                case TENSOR_NAME -> name = in.readStringRequireUtf8();
                case TENSOR_RAW_DATA -> raw = in.readByteArray();
                case TENSOR_FLOAT_DATA -> readFloats(in, tag, floatData);
                case TENSOR_DATA_LOCATION -> external = in.readEnum() == DATA_LOCATION_EXTERNAL;
                default -> in.skipField(tag);
            }
        }
        if (dataType != DATA_TYPE_FLOAT) {
            return;
        }
        if (external) {
            throw new IllegalArgumentException("initializer '" + name + "' uses external data, which is not supported");
        }
        float[] values;
        if (raw != null) {
            if (raw.length % 4 != 0) {
                throw new IllegalArgumentException("initializer '" + name + "' raw_data is not a whole number of floats");
            }
            values = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            values = new float[floatData.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = floatData.get(k);
            }
        }
        out.put(name, new FloatTensor(dims.stream().mapToLong(Long::longValue).toArray(), values));
    }

    private static OnnxModelInfo.ValueInfo readValueInfo(CodedInputStream in) throws IOException {
        String name = "";
        int elemType = 0;
        List<String> dims = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (tag >>> 3 == VALUE_INFO_NAME) {
                name = in.readStringRequireUtf8();
            } else if (tag >>> 3 == VALUE_INFO_TYPE) {
                int typeLimit = in.pushLimit(in.readRawVarint32());
                for (int t; (t = in.readTag()) != 0; ) {
                    if (t >>> 3 != TYPE_TENSOR_TYPE) {
                        in.skipField(t);
                        continue;
                    }
                    int tensorLimit = in.pushLimit(in.readRawVarint32());
                    for (int u; (u = in.readTag()) != 0; ) {
                        if (u >>> 3 == TENSOR_TYPE_ELEM_TYPE) {
                            elemType = in.readInt32();
                        } else if (u >>> 3 == TENSOR_TYPE_SHAPE) {
                            int shapeLimit = in.pushLimit(in.readRawVarint32());
                            for (int d; (d = in.readTag()) != 0; ) {
                                if (d >>> 3 == SHAPE_DIM) {
                                    int dimLimit = in.pushLimit(in.readRawVarint32());
                                    dims.add(readDimension(in));
                                    in.popLimit(dimLimit);
                                } else {
                                    in.skipField(d);
                                }
                            }
                            in.popLimit(shapeLimit);
                        } else {
                            in.skipField(u);
                        }
                    }
                    in.popLimit(tensorLimit);
                }
                in.popLimit(typeLimit);
            } else {
                in.skipField(tag);
            }
        }
        return new OnnxModelInfo.ValueInfo(name, elemType, List.copyOf(dims));
    }

    private static String readDimension(CodedInputStream in) throws IOException {
        String dim = "?";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case DIM_VALUE -> dim = Long.toString(in.readInt64());
                case DIM_PARAM -> dim = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return dim;
    }

    private static void readInt64s(CodedInputStream in, int tag, List<Long> out) throws IOException {
        if ((tag & 7) == WIRE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readInt64());
            }
            in.popLimit(limit);
        } else {
            out.add(in.readInt64());
        }
    }

    private static void readFloats(CodedInputStream in, int tag, List<Float> out) throws IOException {
        if ((tag & 7) == WIRE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readFloat());
            }
            in.popLimit(limit);
        } else {
            out.add(in.readFloat());
        }
    }
}
