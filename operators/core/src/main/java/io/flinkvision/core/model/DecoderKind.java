package io.flinkvision.core.model;

/** How a detector's output tensors become boxes. */
public enum DecoderKind {
    /**
     * YOLOX's anchor-free grid: one output {@code [N, cells, 5 + C]}, cells over strides 8, 16, 32
     * row-major, per cell {@code x, y, w, h} (grid offsets and log sizes), objectness and C class
     * scores, both already sigmoid-activated.
     */
    YOLOX,
    /**
     * EfficientDet's anchors: class logits {@code [N, A, C]} (sigmoid per class) and box deltas
     * {@code [N, A, 4]} as {@code (ty, tx, th, tw)} against 9 anchors per location on P3..P7.
     */
    EFFICIENTDET,
    /**
     * Models that already output boxes and scores (exported with NMS): boxes {@code [N, K, 4]}, scores
     * {@code [N, K]}, optional classes {@code [N, K]} and count {@code [N]}; or one {@code [N, K, 6]}
     * tensor of box, score, class.
     */
    BOXES
}
