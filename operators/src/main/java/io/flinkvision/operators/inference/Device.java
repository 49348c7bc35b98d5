package io.flinkvision.operators.inference;

/** Where inference runs. */
public enum Device {
    CPU,
    CUDA
}
