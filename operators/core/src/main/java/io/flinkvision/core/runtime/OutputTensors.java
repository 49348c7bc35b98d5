package io.flinkvision.core.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Splits one output of a batch run into per-sample {@link Tensor}s, copied out of native memory. */
final class OutputTensors {
    private OutputTensors() {}

    /**
     * Adds output {@code name}'s first {@code count} samples to {@code out}. An output whose first
     * dimension is not the batch (a count of a batch-1 model, say) is handed whole to a batch of one.
     */
    static void split(String model, String name, OnnxTensor tensor, int count, int tensorBatch,
            List<Map<String, Tensor>> out) throws OrtException, InferenceException {
        TensorInfo info = tensor.getInfo();
        long[] shape = info.getShape();
        long[] sampleShape;
        if (shape.length > 0 && shape[0] == tensorBatch) {
            sampleShape = Arrays.copyOfRange(shape, 1, shape.length);
        } else if (tensorBatch == 1) {
            sampleShape = shape;
        } else {
            throw new InvalidModelOutputException("model " + model + " output '" + name + "' has shape " + Arrays.toString(shape)
                    + " for a batch of " + tensorBatch + ": its first dimension is not the batch");
        }
        long total = info.getNumElements();
        int perSample = Math.toIntExact(total / tensorBatch);
        switch (info.type) {
            case FLOAT -> {
                FloatBuffer data = tensor.getFloatBuffer();
                for (int i = 0; i < count; i++) {
                    float[] values = new float[perSample];
                    data.get(values);
                    out.get(i).put(name, Tensor.ofFloats(sampleShape, values));
                }
            }
            case UINT8 -> {
                ByteBuffer data = tensor.getByteBuffer();
                for (int i = 0; i < count; i++) {
                    byte[] values = new byte[perSample];
                    data.get(values);
                    out.get(i).put(name, Tensor.ofUint8(sampleShape, values));
                }
            }
            case INT32 -> {
                IntBuffer data = tensor.getIntBuffer();
                for (int i = 0; i < count; i++) {
                    int[] values = new int[perSample];
                    data.get(values);
                    out.get(i).put(name, Tensor.ofInts(sampleShape, values));
                }
            }
            case INT64 -> {
                LongBuffer data = tensor.getLongBuffer();
                for (int i = 0; i < count; i++) {
                    long[] values = new long[perSample];
                    data.get(values);
                    out.get(i).put(name, Tensor.ofLongs(sampleShape, values));
                }
            }
            default -> throw new InvalidModelOutputException("model " + model + " output '" + name + "' is " + info.type
                    + "; float32, uint8, int32 and int64 outputs can be read");
        }
    }
}
