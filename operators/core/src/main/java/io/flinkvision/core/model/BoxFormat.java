package io.flinkvision.core.model;

/** The order of the four box values a {@link DecoderKind#BOXES} model writes. */
public enum BoxFormat {
    /** {@code x_min, y_min, x_max, y_max}. */
    XYXY,
    /** {@code y_min, x_min, y_max, x_max} (TensorFlow object detection). */
    YXYX,
    /** {@code x_centre, y_centre, width, height}. */
    CXCYWH
}
