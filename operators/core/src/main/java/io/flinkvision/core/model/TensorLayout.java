package io.flinkvision.core.model;

/** Order of a model's image input dimensions. */
public enum TensorLayout {
    /** [batch, channels, height, width]: PyTorch/torchvision exports. */
    NCHW,
    /** [batch, height, width, channels]: TensorFlow/TFLite exports (e.g. EfficientNet-Lite). */
    NHWC
}
