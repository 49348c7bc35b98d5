package io.flinkvision.core.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.flinkvision.core.model.InputElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Builds the batch input tensor in a direct buffer, which ONNX Runtime reads in place (a heap
 * buffer would be copied once more). The buffer is reused per thread: allocating megabytes of
 * direct memory per batch leans on the GC to free it and can exhaust Flink's direct-memory limit.
 * Reuse is safe because every tensor is closed before its thread builds the next one.
 */
final class InputTensors {
    private final OrtEnvironment env;
    private final InputElementType elementType;
    private final int sampleLength;
    private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();

    InputTensors(OrtEnvironment env, InputElementType elementType, int sampleLength) {
        this.env = env;
        this.elementType = elementType;
        this.sampleLength = sampleLength;
    }

    /**
     * One tensor of {@code shape[0]} samples: rows {@code from .. from+count} of the batch, then
     * zero padding up to {@code shape[0]} (for models exported with a fixed batch size).
     */
    OnnxTensor create(float[][] batch, int from, int count, long[] shape) throws OrtException {
        int samples = (int) shape[0];
        int elements = samples * sampleLength;
        if (elementType == InputElementType.UINT8) {
            ByteBuffer bytes = buffer(elements);
            for (int i = 0; i < count; i++) {
                for (float v : batch[from + i]) {
                    bytes.put(toPixel(v));
                }
            }
            zeroRest(bytes);
            bytes.rewind();
            return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.UINT8);
        }
        FloatBuffer floats = buffer(elements * Float.BYTES).asFloatBuffer();
        for (int i = 0; i < count; i++) {
            floats.put(batch[from + i]);
        }
        while (floats.hasRemaining()) {
            floats.put(0f);
        }
        floats.rewind();
        return OnnxTensor.createTensor(env, floats, shape);
    }

    /** Rounds to the nearest pixel value and clamps to 0..255 (NaN becomes 0). */
    static byte toPixel(float v) {
        float clamped = v > 255f ? 255f : (v > 0f ? v : 0f);
        return (byte) Math.round(clamped);
    }

    private ByteBuffer buffer(int bytes) {
        ByteBuffer buffer = buffers.get();
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            buffers.set(buffer);
        }
        buffer.clear().limit(bytes);
        // slice(): a view whose capacity is exactly this batch, so ONNX Runtime sees the right size.
        return buffer.slice().order(ByteOrder.nativeOrder());
    }

    private static void zeroRest(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            bytes.put((byte) 0);
        }
    }
}
