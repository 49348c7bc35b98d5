package io.flinkvision.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny ONNX image classifiers for tests of contracts the shared models do not have (uint8
 * input, NHWC, fixed batch size, 1001 outputs, [n,C,1,1] output). The graph is
 * {@code [Cast to float] -> ReduceMean over height and width -> MatMul W[3,C] [-> Reshape to [n,C,1,1]]},
 * so each output is {@code sum_k mean(channel k) * weight(k, c)}: tests can compute it by hand.
 */
public final class TinyOnnx {
    private static final int FLOAT = 1;
    private static final int UINT8 = 2;
    private static final int INT64 = 7;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_INTS = 7;

    private TinyOnnx() {}

    /** What to write; {@code -1} in {@code inputShape} or {@code batch < 0} makes that dimension dynamic. */
    public record Spec(boolean uint8, boolean nhwc, int batch, int height, int width, int classes, boolean output4d) {
        long[] inputShape() {
            return nhwc ? new long[] {batch, height, width, 3} : new long[] {batch, 3, height, width};
        }

        long[] outputShape() {
            return output4d ? new long[] {batch, classes, 1, 1} : new long[] {batch, classes};
        }
    }

    /** The classifier weight of channel {@code k} (0..2) for class {@code c}. */
    public static float weight(int k, int c) {
        return (k + 1) * 0.01f * ((c % 7) - 3) + 0.001f * c;
    }

    public static Path write(Path file, Spec spec) throws IOException {
        Protobuf graph = new Protobuf().string(2, "tiny");
        String floatInput = "image";
        if (spec.uint8()) {
            graph.message(1, node("Cast", new String[] {"image"}, "image_f", attributeInt("to", FLOAT)));
            floatInput = "image_f";
        }
        long[] spatialAxes = spec.nhwc() ? new long[] {1, 2} : new long[] {2, 3};
        graph.message(1, node("ReduceMean", new String[] {floatInput}, "means",
                attributeInts("axes", spatialAxes), attributeInt("keepdims", 0)));
        String scores = spec.output4d() ? "scores_2d" : "scores";
        graph.message(1, node("MatMul", new String[] {"means", "weights"}, scores));
        graph.message(5, floatTensor("weights", spec.classes()));
        if (spec.output4d()) {
            graph.message(1, node("Reshape", new String[] {"scores_2d", "shape4d"}, "scores"));
            graph.message(5, int64Tensor("shape4d", new long[] {0, spec.classes(), 1, 1}));
        }
        graph.message(11, valueInfo("image", spec.uint8() ? UINT8 : FLOAT, spec.inputShape()));
        graph.message(12, valueInfo("scores", FLOAT, spec.outputShape()));
        Protobuf model = new Protobuf()
                .int64(1, 7) // IR version 7 goes with opset 13
                .string(2, "flink-vision tests")
                .message(7, graph)
                .message(8, new Protobuf().string(1, "").int64(2, 13));
        return Files.write(file, model.toByteArray());
    }

    private static Protobuf node(String op, String[] inputs, String output, Protobuf... attributes) {
        Protobuf node = new Protobuf();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, output).string(3, op + "_" + output).string(4, op);
        for (Protobuf attribute : attributes) {
            node.message(5, attribute);
        }
        return node;
    }

    private static Protobuf attributeInt(String name, long value) {
        return new Protobuf().string(1, name).int64(3, value).int64(20, ATTRIBUTE_INT);
    }

    private static Protobuf attributeInts(String name, long[] values) {
        Protobuf attribute = new Protobuf().string(1, name);
        for (long v : values) {
            attribute.int64(8, v);
        }
        return attribute.int64(20, ATTRIBUTE_INTS);
    }

    private static Protobuf floatTensor(String name, int classes) {
        ByteBuffer raw = ByteBuffer.allocate(3 * classes * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 3; k++) {
            for (int c = 0; c < classes; c++) {
                raw.putFloat(weight(k, c));
            }
        }
        return new Protobuf().int64(1, 3).int64(1, classes).int64(2, FLOAT).string(8, name).bytes(9, raw.array());
    }

    private static Protobuf int64Tensor(String name, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        return new Protobuf().int64(1, values.length).int64(2, INT64).string(8, name).bytes(9, raw.array());
    }

    private static Protobuf valueInfo(String name, int elementType, long[] shape) {
        Protobuf dims = new Protobuf();
        for (int i = 0; i < shape.length; i++) {
            dims.message(1, shape[i] < 0 ? new Protobuf().string(2, "dim" + i) : new Protobuf().int64(1, shape[i]));
        }
        Protobuf tensorType = new Protobuf().int64(1, elementType).message(2, dims);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }
}
