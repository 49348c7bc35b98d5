package io.flinkvision.core.testing;

import io.flinkvision.modelgen.onnx.FloatTensor;
import io.flinkvision.modelgen.onnx.OnnxModelWriter;
import io.flinkvision.modelgen.onnx.proto.Onnx.TensorProto.DataType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intAttribute;
import static io.flinkvision.modelgen.onnx.OnnxModelWriter.intsAttribute;

/**
 * Writes tiny ONNX image classifiers for tests of contracts the shared models do not have (uint8
 * input, NHWC, fixed batch size, 1001 outputs, [n,C,1,1] output). The graph is
 * {@code [Cast to float] -> ReduceMean over height and width -> MatMul W[3,C] [-> Reshape to [n,C,1,1]]},
 * so each output is {@code sum_k mean(channel k) * weight(k, c)}: tests can compute it by hand.
 * Encoded by the model generator's {@link OnnxModelWriter} (classes generated from {@code onnx.proto}).
 */
public final class TinyOnnx {
    /** IR version 7 goes with opset 13. */
    private static final long IR_VERSION = 7;
    private static final long OPSET = 13;

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

    public static Path write(Path file, Spec spec) {
        OnnxModelWriter w = new OnnxModelWriter("tiny");
        String floatInput = "image";
        if (spec.uint8()) {
            floatInput = w.node("Cast", "Cast_image_f", List.of("image"), "image_f",
                    intAttribute("to", DataType.FLOAT_VALUE));
        }
        long[] spatialAxes = spec.nhwc() ? new long[] {1, 2} : new long[] {2, 3};
        w.node("ReduceMean", "ReduceMean_means", List.of(floatInput), "means",
                intsAttribute("axes", spatialAxes), intAttribute("keepdims", 0));
        String scores = spec.output4d() ? "scores_2d" : "scores";
        w.node("MatMul", "MatMul_" + scores, List.of("means", "weights"), scores);
        w.initializer("weights", weights(spec.classes()));
        if (spec.output4d()) {
            w.node("Reshape", "Reshape_scores", List.of("scores_2d", "shape4d"), "scores");
            w.int64Initializer("shape4d", 0, spec.classes(), 1, 1);
        }
        w.input("image", spec.uint8() ? DataType.UINT8 : DataType.FLOAT, dims(spec.inputShape()));
        w.output("scores", DataType.FLOAT, dims(spec.outputShape()));
        OnnxModelWriter.write(w.model(IR_VERSION, Map.of("", OPSET), "flink-vision tests", "", ""), file);
        return file;
    }

    /**
     * A tiny detector "exported with NMS": uint8 NCHW image {@code [n, 3, size, size]} (dynamic batch);
     * with {@code m} its per-channel spatial means, outputs {@code boxes [n, 1, 4] = (m0, m1, m0 + m2,
     * m1 + m2)} (xyxy, input pixels), {@code scores [n, 1] = max(m) / 255} and {@code classes [n, 1]}
     * (int64) {@code = argmax(m)}: one box per image whose every value a test can work out.
     */
    public static Path writeBoxesDetector(Path file, int size) {
        OnnxModelWriter w = new OnnxModelWriter("tiny_boxes");
        w.node("Cast", "Cast_image_f", List.of("image"), "image_f", intAttribute("to", DataType.FLOAT_VALUE));
        w.node("ReduceMean", "ReduceMean_means", List.of("image_f"), "means", intsAttribute("axes", 2, 3),
                intAttribute("keepdims", 0));
        w.int64Initializer("start0", 0);
        w.int64Initializer("end2", 2);
        w.int64Initializer("start2", 2);
        w.int64Initializer("end3", 3);
        w.int64Initializer("axis1", 1);
        w.node("Slice", "Slice_xy", List.of("means", "start0", "end2", "axis1"), "xy");
        w.node("Slice", "Slice_side", List.of("means", "start2", "end3", "axis1"), "side");
        w.node("Add", "Add_far", List.of("xy", "side"), "far");
        w.node("Concat", "Concat_box", List.of("xy", "far"), "box", intAttribute("axis", 1));
        w.node("Unsqueeze", "Unsqueeze_boxes", List.of("box", "axis1"), "boxes");
        w.initializer("pixel_max", FloatTensor.of(new float[] {255f}, 1));
        w.node("Div", "Div_unit", List.of("means", "pixel_max"), "unit");
        w.node("ReduceMax", "ReduceMax_scores", List.of("unit"), "scores", intsAttribute("axes", 1),
                intAttribute("keepdims", 1));
        w.node("ArgMax", "ArgMax_classes", List.of("means"), "classes", intAttribute("axis", 1),
                intAttribute("keepdims", 1));
        w.input("image", DataType.UINT8, "batch", 3L, (long) size, (long) size);
        w.output("boxes", DataType.FLOAT, "batch", 1L, 4L);
        w.output("scores", DataType.FLOAT, "batch", 1L);
        w.output("classes", DataType.INT64, "batch", 1L);
        OnnxModelWriter.write(w.model(IR_VERSION, Map.of("", OPSET), "flink-vision tests", "", ""), file);
        return file;
    }

    private static FloatTensor weights(int classes) {
        float[] data = new float[3 * classes];
        for (int k = 0; k < 3; k++) {
            for (int c = 0; c < classes; c++) {
                data[k * classes + c] = weight(k, c);
            }
        }
        return FloatTensor.of(data, 3, classes);
    }

    /** A fixed size, or a symbolic one ({@code dim<i>}) where the spec says -1. */
    private static Object[] dims(long[] shape) {
        Object[] dims = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i] < 0 ? "dim" + i : shape[i];
        }
        return dims;
    }
}
