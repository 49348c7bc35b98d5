package io.flinkvision.flink;

import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the CUDA device of each inference subtask from Flink's "gpu" external resource
 * ({@code GPUDriverFactory}: the GPUs its discovery script found for this TaskManager, each with
 * an "index" property).
 *
 * <p>Flink hands every slot of a TaskManager the same list: all of the TaskManager's GPUs. Taking
 * the first would put every slot on GPU 0, so this spreads the subtasks of one JVM over its GPUs,
 * each to the GPU with the fewest subtasks on it (lowest index on ties). Equal runner options share
 * one session, so a TaskManager holds one session per GPU per model. Without the resource (or on
 * CPU) the configured options stand.
 */
final class GpuDevices {
    static final String RESOURCE_NAME = "gpu";
    static final String INDEX_PROPERTY = "index";
    private static final Logger LOG = LoggerFactory.getLogger(GpuDevices.class);

    /** The subtasks of this JVM (TaskManager) per CUDA device index. */
    private static final GpuDevices JVM_WIDE = new GpuDevices();

    private final Map<Integer, Integer> subtasksByDevice = new HashMap<>();

    /** A registry of its own (tests); production code shares {@link #jvmWide()}. */
    GpuDevices() {}

    static GpuDevices jvmWide() {
        return JVM_WIDE;
    }

    /** The runner options of one subtask, and its claim on the GPU; close the claim when the subtask closes. */
    static final class Assignment implements AutoCloseable {
        private final RunnerOptions options;
        private final Runnable release;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Assignment(RunnerOptions options, Runnable release) {
            this.options = options;
            this.release = release;
        }

        RunnerOptions options() {
            return options;
        }

        /** Releases the claim; only the first close counts. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        }
    }

    /**
     * @param options the configured options ({@code --device}, {@code --cuda-device})
     * @param gpus what {@code getExternalResourceInfos("gpu")} returned for this subtask
     * @return the options with the chosen CUDA device; the configured ones for CPU or without GPUs
     */
    Assignment assign(RunnerOptions options, Collection<ExternalResourceInfo> gpus) {
        if (options.device() != Device.CUDA) {
            return new Assignment(options, () -> {});
        }
        List<Integer> indices = indices(gpus);
        if (indices.isEmpty()) {
            if (gpus != null && !gpus.isEmpty()) {
                LOG.warn("Flink's '{}' external resource lists {} GPU(s) but none with a numeric '{}' property;"
                        + " using the configured CUDA device {} (--cuda-device)", RESOURCE_NAME, gpus.size(),
                        INDEX_PROPERTY, options.cudaDeviceIndex());
            }
            return new Assignment(options, () -> {});
        }
        int chosen;
        int sharing;
        synchronized (this) {
            chosen = indices.get(0);
            for (int index : indices) {
                if (subtasksByDevice.getOrDefault(index, 0) < subtasksByDevice.getOrDefault(chosen, 0)) {
                    chosen = index;
                }
            }
            sharing = subtasksByDevice.merge(chosen, 1, Integer::sum);
        }
        LOG.info("CUDA device {} chosen from Flink's '{}' resource {} ({} subtask(s) of this TaskManager on it)",
                chosen, RESOURCE_NAME, indices, sharing);
        int device = chosen;
        return new Assignment(options.withCudaDeviceIndex(device), () -> release(device));
    }

    /** Subtasks of this JVM on each CUDA device (tests, logs). */
    synchronized Map<Integer, Integer> subtasksByDevice() {
        return Map.copyOf(subtasksByDevice);
    }

    private synchronized void release(int device) {
        subtasksByDevice.computeIfPresent(device, (d, n) -> n == 1 ? null : n - 1);
    }

    /** The distinct numeric "index" properties, ascending; GPUs without one are skipped with a warning. */
    static List<Integer> indices(Collection<ExternalResourceInfo> gpus) {
        if (gpus == null) {
            return List.of();
        }
        TreeSet<Integer> indices = new TreeSet<>();
        for (ExternalResourceInfo gpu : gpus) {
            Optional<String> index = gpu.getProperty(INDEX_PROPERTY);
            try {
                int parsed = Integer.parseInt(index.orElse("").trim());
                if (parsed < 0) {
                    throw new NumberFormatException("negative");
                }
                indices.add(parsed);
            } catch (NumberFormatException e) {
                LOG.warn("Skipping a '{}' external resource whose '{}' is '{}', not a device index",
                        RESOURCE_NAME, INDEX_PROPERTY, index.orElse("(missing)"));
            }
        }
        return new ArrayList<>(indices);
    }
}
