package io.flinkvision.core.model;

import ai.onnxruntime.OrtEnvironment;

/**
 * The JVM's one ONNX Runtime environment. ORT allows one environment per process and its thread
 * pools and logging are process-wide; it is never closed (closing it while any session lives would
 * crash), so every session in the JVM shares it.
 */
public final class OnnxEnvironment {
    private OnnxEnvironment() {}

    /** Created on first use: loading the native library is left until a model is actually opened. */
    private static final class Holder {
        static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    }

    public static OrtEnvironment get() {
        return Holder.ENV;
    }
}
