package io.flinkvision.core.outcome;

/** What a {@code FrameOutcome} holds. MALFORMED (neither or both set) is a bug upstream. */
public enum OutcomeKind {
    LABELLED,
    DEAD_LETTER,
    MALFORMED
}
