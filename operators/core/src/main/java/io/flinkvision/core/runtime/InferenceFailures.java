package io.flinkvision.core.runtime;

import ai.onnxruntime.OrtException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What counts as a transient inference failure: worth running the same batch again after a pause,
 * and, when it keeps happening, a sign that the device is failing.
 *
 * <p><b>Transient</b>: ONNX Runtime errors of the runtime or device, i.e. status codes
 * {@code ORT_RUNTIME_EXCEPTION}, {@code ORT_EP_FAIL}, {@code ORT_ENGINE_ERROR} and
 * {@code ORT_DEVICE_RESET} (CUDA errors, cuDNN/cuBLAS failures, out of device memory, a lost device
 * all arrive as these), and {@code ORT_FAIL} or an unknown code whose message names CUDA, cuDNN,
 * cuBLAS, memory or allocation (ORT reports some allocator failures as plain FAIL).
 *
 * <p><b>Permanent</b> (dead-lettered at once): {@code ORT_INVALID_ARGUMENT} (wrong input shape or type),
 * {@code ORT_NOT_IMPLEMENTED}, {@code ORT_INVALID_GRAPH}, {@code ORT_NO_MODEL},
 * {@code ORT_INVALID_PROTOBUF}, {@code ORT_NO_SUCHFILE}, {@code ORT_MODEL_LOADED}, any other
 * {@code ORT_FAIL}; outputs that break the model's contract ({@link InvalidModelOutputException});
 * samples that disagree ({@code IllegalArgumentException}); a closed runner; and anything that is not
 * an {@link OrtException} at all, since those are bugs or contract breaks that recur on every run.
 * {@link VirtualMachineError}s (a Java {@code OutOfMemoryError}) are not retried either: they go on
 * up once the batch's frames are dead-lettered.
 */
public final class InferenceFailures {
    private static final Set<OrtException.OrtErrorCode> TRANSIENT_CODES = EnumSet.of(
            OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION,
            OrtException.OrtErrorCode.ORT_EP_FAIL,
            OrtException.OrtErrorCode.ORT_ENGINE_ERROR,
            OrtException.OrtErrorCode.ORT_DEVICE_RESET);
    private static final String[] DEVICE_WORDS = {"cuda", "cudnn", "cublas", "out of memory", "allocat", "device"};

    private InferenceFailures() {}

    /** Whether running the same batch again may succeed. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidModelOutputException || t instanceof VirtualMachineError) {
                return false;
            }
            if (t instanceof OrtException ort) {
                OrtException.OrtErrorCode code = ort.getCode();
                if (TRANSIENT_CODES.contains(code)) {
                    return true;
                }
                if (code == OrtException.OrtErrorCode.ORT_FAIL || code == OrtException.OrtErrorCode.ORT_JAVA_UNKNOWN) {
                    return namesTheDevice(ort.getMessage());
                }
                return false;
            }
        }
        return false;
    }

    /** Whether the failure is the model's outputs breaking its contract (INVALID_MODEL_OUTPUT). */
    public static boolean isInvalidOutput(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidModelOutputException) {
                return true;
            }
        }
        return false;
    }

    private static boolean namesTheDevice(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        for (String word : DEVICE_WORDS) {
            if (m.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
