package io.flinkvision.core.runtime;

import java.io.Serializable;

/**
 * How to run a model: device, CUDA device index, ONNX Runtime thread counts, whether a CUDA
 * failure falls back to CPU (with one log line and a metric) or fails, and the CUDA provider's
 * memory and algorithm settings. Equal options share a session ({@code ModelRegistry}), so the
 * CUDA device index makes one session per GPU.
 */
public record RunnerOptions(
        Device device, int cudaDeviceIndex, int intraOpThreads, boolean failIfCudaUnavailable, CudaSettings cuda)
        implements Serializable {

    public RunnerOptions {
        if (device == null) {
            throw new IllegalArgumentException("device must be set: cpu or cuda");
        }
        if (cudaDeviceIndex < 0) {
            throw new IllegalArgumentException("cudaDeviceIndex must be >= 0, got " + cudaDeviceIndex);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        if (cuda == null) {
            throw new IllegalArgumentException("cuda settings are required (CudaSettings.DEFAULTS for ONNX Runtime's)");
        }
    }

    /** With ONNX Runtime's default CUDA provider settings. */
    public RunnerOptions(Device device, int cudaDeviceIndex, int intraOpThreads, boolean failIfCudaUnavailable) {
        this(device, cudaDeviceIndex, intraOpThreads, failIfCudaUnavailable, CudaSettings.DEFAULTS);
    }

    public static RunnerOptions cpu(int intraOpThreads) {
        return new RunnerOptions(Device.CPU, 0, intraOpThreads, false);
    }

    public RunnerOptions withCudaDeviceIndex(int index) {
        return new RunnerOptions(device, index, intraOpThreads, failIfCudaUnavailable, cuda);
    }

    public RunnerOptions withCuda(CudaSettings settings) {
        return new RunnerOptions(device, cudaDeviceIndex, intraOpThreads, failIfCudaUnavailable, settings);
    }
}
