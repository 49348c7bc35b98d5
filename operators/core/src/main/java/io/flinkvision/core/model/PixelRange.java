package io.flinkvision.core.model;

/** The range pixel values are taken in before mean and std are applied. */
public enum PixelRange {
    /** {@code value = (pixel / 255 - mean) / std}: torchvision's ToTensor + Normalize. */
    UNIT,
    /** {@code value = (pixel - mean) / std}, with mean 0 and std 1 the raw 0..255 values (YOLOX). */
    RAW
}
