package io.flinkvision.core.model;

/** What a model's outputs mean, and so which decoder turns them into a frame's result. */
public enum ModelTask {
    /** One score row per frame: top-k classes. */
    CLASSIFICATION,
    /** Boxes with classes and scores per frame, decoded as the {@link DetectionSpec} says. */
    DETECTION
}
