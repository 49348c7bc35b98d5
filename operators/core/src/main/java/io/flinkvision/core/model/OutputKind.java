package io.flinkvision.core.model;

/** What a classification model's output row holds. */
public enum OutputKind {
    /** Raw scores: softmax is applied to get probabilities. */
    LOGITS,
    /** Already probabilities (the graph ends in softmax): used as they are. */
    PROBABILITIES
}
