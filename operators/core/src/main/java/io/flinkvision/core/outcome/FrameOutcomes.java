package io.flinkvision.core.outcome;

import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * How to read a {@link FrameOutcome}, shared by the router and the window aggregation so that both
 * treat a malformed outcome the same way: as a dead letter with reason {@link ReasonCode#UNKNOWN}.
 * The job promises that every input record ends as exactly one labelled frame or one dead letter,
 * so a malformed outcome is reported, never dropped.
 */
public final class FrameOutcomes {
    /** Window key of an outcome whose stream is not known (a dead letter without a stream id). */
    public static final String UNKNOWN_STREAM = "unknown";

    /** Source topic of a dead letter made from an outcome that said nothing about its record. */
    public static final String UNKNOWN_TOPIC = "";

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

    /**
     * The dead letter that stands for a malformed outcome.
     *
     * <p>Both set: the dead letter is kept (it carries the source coordinates and original bytes,
     * which a replay needs), its reason becomes UNKNOWN and its message says what happened. Neither
     * set: nothing is known about the record, so the dead letter has an empty topic, partition and
     * offset -1 and no bytes; {@code eventTime} should be the record's timestamp in the stream.
     *
     * @param eventTime used only when the outcome holds no dead letter
     * @param now when the outcome was found malformed
     */
    public static DeadLetter malformedToDeadLetter(FrameOutcome outcome, Instant eventTime, Instant now) {
        LabelledFrame labelled = outcome.getLabelled();
        DeadLetter original = outcome.getDeadLetter();
        if (labelled != null && original != null) {
            return DeadLetter.newBuilder(original)
                    .setStreamId(knownStreamId(outcome))
                    .setReason(ReasonCode.UNKNOWN)
                    .setMessage("malformed FrameOutcome: both labelled and deadLetter set (dead letter was "
                            + original.getReason() + ": " + original.getMessage() + ")")
                    .setFailedTime(now)
                    .build();
        }
        if (labelled != null || original != null) {
            throw new IllegalArgumentException("outcome is not malformed: " + kind(outcome));
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(UNKNOWN_TOPIC)
                .setSourcePartition(-1)
                .setSourceOffset(-1L)
                .setStreamId(null)
                .setSequence(null)
                .setEventTime(eventTime)
                .setReason(ReasonCode.UNKNOWN)
                .setMessage("malformed FrameOutcome: neither labelled nor deadLetter set")
                .setOriginalBytes(ByteBuffer.allocate(0))
                .setFailedTime(now)
                .build();
    }

    private static String knownStreamId(FrameOutcome outcome) {
        if (outcome.getLabelled() != null && outcome.getLabelled().getStreamId() != null) {
            return outcome.getLabelled().getStreamId();
        }
        if (outcome.getDeadLetter() != null) {
            return outcome.getDeadLetter().getStreamId();
        }
        return null;
    }
}
