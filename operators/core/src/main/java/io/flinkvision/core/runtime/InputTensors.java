package io.flinkvision.core.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a batch's input tensors in direct buffers, which ONNX Runtime reads in place (a heap buffer
 * would be copied once more), one per input name, in each sample's own element type: a uint8 image
 * goes in as bytes, never through floats. Buffers are reused per thread and input: allocating
 * megabytes of direct memory per batch leans on the GC to free it and can exhaust Flink's
 * direct-memory limit. Reuse is safe because every tensor is closed before its thread builds the
 * next one.
 */
final class InputTensors {
    private final OrtEnvironment env;
    private final ThreadLocal<Map<String, ByteBuffer>> buffers = ThreadLocal.withInitial(HashMap::new);

    InputTensors(OrtEnvironment env) {
        this.env = env;
    }

    /**
     * One tensor of {@code shape[0]} samples for input {@code name}: samples {@code from .. from+count},
     * then zero padding up to {@code shape[0]} (for models exported with a fixed batch size).
     */
    OnnxTensor create(String name, Tensor.ElementType type, List<Map<String, Tensor>> samples, int from, int count,
            long[] shape) throws OrtException {
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        int width = switch (type) {
            case FLOAT32, INT32 -> 4;
            case UINT8 -> 1;
            case INT64 -> 8;
        };
        ByteBuffer bytes = buffer(name, Math.toIntExact(elements * width));
        switch (type) {
            case FLOAT32 -> {
                FloatBuffer floats = bytes.asFloatBuffer();
                for (int i = 0; i < count; i++) {
                    floats.put(samples.get(from + i).get(name).floats());
                }
                while (floats.hasRemaining()) {
                    floats.put(0f);
                }
                return OnnxTensor.createTensor(env, floats.rewind(), shape);
            }
            case UINT8 -> {
                for (int i = 0; i < count; i++) {
                    bytes.put(samples.get(from + i).get(name).uint8());
                }
                while (bytes.hasRemaining()) {
                    bytes.put((byte) 0);
                }
                return OnnxTensor.createTensor(env, bytes.rewind(), shape, OnnxJavaType.UINT8);
            }
            case INT32 -> {
                IntBuffer ints = bytes.asIntBuffer();
                for (int i = 0; i < count; i++) {
                    ints.put(samples.get(from + i).get(name).ints());
                }
                while (ints.hasRemaining()) {
                    ints.put(0);
                }
                return OnnxTensor.createTensor(env, ints.rewind(), shape);
            }
            case INT64 -> {
                LongBuffer longs = bytes.asLongBuffer();
                for (int i = 0; i < count; i++) {
                    longs.put(samples.get(from + i).get(name).longs());
                }
                while (longs.hasRemaining()) {
                    longs.put(0L);
                }
                return OnnxTensor.createTensor(env, longs.rewind(), shape);
            }
            default -> throw new IllegalStateException("unreachable: " + type);
        }
    }

    private ByteBuffer buffer(String name, int bytes) {
        Map<String, ByteBuffer> mine = buffers.get();
        ByteBuffer buffer = mine.get(name);
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            mine.put(name, buffer);
        }
        buffer.clear().limit(bytes);
        // slice(): a view whose capacity is exactly this batch, so ONNX Runtime sees the right size.
        return buffer.slice().order(ByteOrder.nativeOrder());
    }
}
