package io.flinkvision.core.model;

/** Element type of a model's image input tensor. */
public enum InputElementType {
    /** float32, normalised as the {@link PreprocessSpec} says. */
    FLOAT32,
    /** uint8 pixel values 0..255, no normalisation (quantised models). */
    UINT8
}
