package io.flinkvision.core.outcome;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;

/**
 * How to read a {@link FrameOutcome}, shared by the router and the window aggregation so that both
 * treat a malformed outcome the same way: as a dead letter with reason {@link ReasonCode#UNKNOWN}
 * (built by {@link DeadLetters#forMalformed}). The job promises that every input record ends as
 * exactly one labelled frame or one dead letter, so a malformed outcome is reported, never dropped.
 */
public final class FrameOutcomes {
    /** Window key of an outcome whose stream is not known (a dead letter without a stream id). */
    public static final String UNKNOWN_STREAM = "unknown";

    private FrameOutcomes() {}

    public static OutcomeKind kind(FrameOutcome outcome) {
        boolean labelled = outcome.getLabelled() != null;
        boolean deadLetter = outcome.getDeadLetter() != null;
        if (labelled == deadLetter) {
            return OutcomeKind.MALFORMED;
        }
        return labelled ? OutcomeKind.LABELLED : OutcomeKind.DEAD_LETTER;
    }

    /** The labelled frame's stream, else the dead letter's, else {@link #UNKNOWN_STREAM}. */
    public static String streamId(FrameOutcome outcome) {
        String streamId = knownStreamId(outcome);
        return streamId != null ? streamId : UNKNOWN_STREAM;
    }

    /** The labelled frame's stream id, else the dead letter's; null when neither has one. */
    static String knownStreamId(FrameOutcome outcome) {
        if (outcome.getLabelled() != null && outcome.getLabelled().getStreamId() != null) {
            return outcome.getLabelled().getStreamId();
        }
        if (outcome.getDeadLetter() != null) {
            return outcome.getDeadLetter().getStreamId();
        }
        return null;
    }
}
