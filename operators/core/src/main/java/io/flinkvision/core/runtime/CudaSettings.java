package io.flinkvision.core.runtime;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime's CUDA execution provider settings besides the device: how much GPU memory its
 * arena may take, how the arena grows, and how cuDNN picks convolution algorithms. They are
 * part of {@link RunnerOptions}, so sessions that differ in them are not shared.
 *
 * @param gpuMemLimitBytes the arena's limit in bytes; 0 leaves ONNX Runtime's default (no limit)
 * @param arenaExtendStrategy how the arena grows when it is full
 * @param cudnnConvAlgoSearch how cuDNN chooses convolution algorithms on the first run of a shape
 */
public record CudaSettings(long gpuMemLimitBytes, ArenaExtendStrategy arenaExtendStrategy,
        CudnnConvAlgoSearch cudnnConvAlgoSearch) implements Serializable {

    /** ONNX Runtime's own defaults. */
    public static final CudaSettings DEFAULTS =
            new CudaSettings(0, ArenaExtendStrategy.NEXT_POWER_OF_TWO, CudnnConvAlgoSearch.EXHAUSTIVE);

    /** The provider option {@code arena_extend_strategy}. */
    public enum ArenaExtendStrategy {
        /** Doubles the arena: fewer allocations, but it can overshoot a limit by almost 2x the last chunk. */
        NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
        /** Grows by exactly what is asked: tighter memory, when several sessions share a GPU. */
        SAME_AS_REQUESTED("kSameAsRequested");

        private final String ortValue;

        ArenaExtendStrategy(String ortValue) {
            this.ortValue = ortValue;
        }
    }

    /** The provider option {@code cudnn_conv_algo_search}. */
    public enum CudnnConvAlgoSearch {
        /** Benchmarks every algorithm once per input shape: the fastest runs, the slowest first batch. */
        EXHAUSTIVE,
        /** cuDNN's heuristics: no benchmarking, possibly slower kernels. */
        HEURISTIC,
        /** The default algorithm (IMPLICIT_PRECOMP_GEMM): predictable, usually slowest. */
        DEFAULT
    }

    public CudaSettings {
        if (gpuMemLimitBytes < 0) {
            throw new IllegalArgumentException("gpuMemLimitBytes must be >= 0 (0: no limit), got " + gpuMemLimitBytes);
        }
        if (arenaExtendStrategy == null || cudnnConvAlgoSearch == null) {
            throw new IllegalArgumentException("arenaExtendStrategy and cudnnConvAlgoSearch are required"
                    + " (CudaSettings.DEFAULTS has ONNX Runtime's own)");
        }
    }

    /**
     * The CUDA provider options for device {@code deviceIndex}, by ONNX Runtime's key names, in a
     * stable order (they end up in the log line of the session that uses them).
     */
    public Map<String, String> providerOptions(int deviceIndex) {
        if (deviceIndex < 0) {
            throw new IllegalArgumentException("deviceIndex must be >= 0, got " + deviceIndex);
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("device_id", Integer.toString(deviceIndex));
        if (gpuMemLimitBytes > 0) {
            options.put("gpu_mem_limit", Long.toString(gpuMemLimitBytes));
        }
        options.put("arena_extend_strategy", arenaExtendStrategy.ortValue);
        options.put("cudnn_conv_algo_search", cudnnConvAlgoSearch.name());
        return options;
    }
}
