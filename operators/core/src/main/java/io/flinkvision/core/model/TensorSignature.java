package io.flinkvision.core.model;

import java.util.Arrays;

/**
 * One input or output of an ONNX graph as the runtime reports it: name, ONNX element type (e.g.
 * "FLOAT", "UINT8") and shape, with -1 for dynamic (symbolic) dimensions. Kept free of ONNX Runtime
 * types so that {@link ModelSpecResolver} can be tested without a model file.
 */
public record TensorSignature(String name, String elementType, long[] shape) {
    public static final long DYNAMIC = -1;

    public TensorSignature {
        shape = shape.clone();
        for (int i = 0; i < shape.length; i++) {
            // ONNX Runtime reports symbolic dims as -1 and unknown ones as 0 or -1: one spelling.
            if (shape[i] <= 0) {
                shape[i] = DYNAMIC;
            }
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int index) {
        return shape[index];
    }

    /** The shape as ONNX tools print it: {@code [?,3,224,224]}. */
    public String shapeText() {
        return formatShape(shape);
    }

    static String formatShape(long[] shape) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ",").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return out.append(']').toString();
    }

    @Override
    public String toString() {
        return name + " " + elementType + shapeText();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSignature t && name.equals(t.name) && elementType.equals(t.elementType)
                && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + elementType.hashCode()) + Arrays.hashCode(shape);
    }
}
