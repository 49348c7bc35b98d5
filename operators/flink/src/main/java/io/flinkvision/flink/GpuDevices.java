package io.flinkvision.flink;

import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.RunnerOptions;
import java.util.Collection;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the CUDA device of a slot from Flink's "gpu" external resource, so that the slots of a
 * multi-GPU TaskManager each use the GPU Flink assigned them rather than all using the configured one.
 */
final class GpuDevices {
    static final String RESOURCE_NAME = "gpu";
    static final String INDEX_PROPERTY = "index";
    private static final Logger LOG = LoggerFactory.getLogger(GpuDevices.class);

    private GpuDevices() {}

    /** The options with the first assigned GPU's index; unchanged for CPU or when none is assigned. */
    static RunnerOptions resolve(RunnerOptions options, Collection<ExternalResourceInfo> gpus) {
        if (options.device() != Device.CUDA || gpus == null || gpus.isEmpty()) {
            return options;
        }
        ExternalResourceInfo first = gpus.iterator().next();
        Optional<String> index = first.getProperty(INDEX_PROPERTY);
        if (index.isEmpty()) {
            LOG.warn("The '{}' external resource has no '{}' property; using the configured CUDA device {}",
                    RESOURCE_NAME, INDEX_PROPERTY, options.cudaDeviceIndex());
            return options;
        }
        try {
            return options.withCudaDeviceIndex(Integer.parseInt(index.get().trim()));
        } catch (IllegalArgumentException e) {
            LOG.warn("The '{}' external resource's index '{}' is not a device index; using the configured CUDA device {}",
                    RESOURCE_NAME, index.get(), options.cudaDeviceIndex());
            return options;
        }
    }
}
