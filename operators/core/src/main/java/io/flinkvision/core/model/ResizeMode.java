package io.flinkvision.core.model;

/**
 * How a frame is fitted into the model input. What each detector or classifier expects is part of its
 * training transform: getting it wrong moves every box and changes the scores.
 */
public enum ResizeMode {
    /**
     * The classification transform: shorter side to {@code resizeShorterSide}, then a center crop of
     * the input size (torchvision's {@code Resize} + {@code CenterCrop}).
     */
    CENTER_CROP,
    /** Straight to the input size, ignoring the aspect ratio. */
    STRETCH,
    /**
     * Keep the aspect ratio: scale by {@code r = min(inputW / w, inputH / h)} to
     * {@code (floor(w r), floor(h r))}, place at the top-left, fill the rest with the pad value
     * (YOLOX, EfficientDet).
     */
    LETTERBOX_TOP_LEFT,
    /** As {@link #LETTERBOX_TOP_LEFT}, but centred (offsets floored), as Ultralytics-style exports expect. */
    LETTERBOX_CENTRED;

    public boolean isLetterbox() {
        return this == LETTERBOX_TOP_LEFT || this == LETTERBOX_CENTRED;
    }
}
