package io.flinkvision.core.runtime;

/** Where inference runs. */
public enum Device {
    CPU,
    CUDA
}
