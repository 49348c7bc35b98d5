package io.flinkvision.core.runtime;

import java.io.Serializable;

/**
 * How to run a model: device, CUDA device index, ONNX Runtime thread counts, and whether a CUDA
 * failure falls back to CPU (with one log line and a metric) or fails.
 */
public record RunnerOptions(
        Device device, int cudaDeviceIndex, int intraOpThreads, boolean failIfCudaUnavailable)
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
    }

    public static RunnerOptions cpu(int intraOpThreads) {
        return new RunnerOptions(Device.CPU, 0, intraOpThreads, false);
    }

    public RunnerOptions withCudaDeviceIndex(int index) {
        return new RunnerOptions(device, index, intraOpThreads, failIfCudaUnavailable);
    }
}
