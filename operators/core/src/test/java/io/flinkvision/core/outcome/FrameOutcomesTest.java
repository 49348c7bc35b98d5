package io.flinkvision.core.outcome;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading outcomes: kind, stream id, and malformed outcomes turned into dead letters. */
class FrameOutcomesTest {
    private static final Instant EVENT = Instant.ofEpochMilli(5_000);
    private static final Instant NOW = Instant.ofEpochMilli(99_000);

    @Test
    void tellsTheKindOfAnOutcome() {
        assertThat(FrameOutcomes.kind(outcome(labelled("a", 1, 1, "cat", 0.5f)))).isEqualTo(OutcomeKind.LABELLED);
        assertThat(FrameOutcomes.kind(outcome(deadLetter("a", 1, ReasonCode.CORRUPT_IMAGE))))
                .isEqualTo(OutcomeKind.DEAD_LETTER);
        assertThat(FrameOutcomes.kind(new FrameOutcome(null, null))).isEqualTo(OutcomeKind.MALFORMED);
        assertThat(FrameOutcomes.kind(new FrameOutcome(labelled("a", 1, 1, "cat", 0.5f),
                deadLetter("a", 1, ReasonCode.CORRUPT_IMAGE)))).isEqualTo(OutcomeKind.MALFORMED);
    }

    @Test
    void streamIdFallsBackFromLabelledToDeadLetterToUnknown() {
        assertThat(FrameOutcomes.streamId(outcome(labelled("cam-1", 1, 1, "cat", 0.5f)))).isEqualTo("cam-1");
        assertThat(FrameOutcomes.streamId(outcome(deadLetter("cam-2", 1, ReasonCode.NOT_A_FRAME)))).isEqualTo("cam-2");
        assertThat(FrameOutcomes.streamId(outcome(deadLetter(null, 1, ReasonCode.NOT_A_FRAME)))).isEqualTo("unknown");
        assertThat(FrameOutcomes.streamId(new FrameOutcome(null, null))).isEqualTo("unknown");
    }

    @Test
    void anEmptyOutcomeBecomesAnUnknownDeadLetterAtItsEventTime() {
        DeadLetter dead = FrameOutcomes.malformedToDeadLetter(new FrameOutcome(null, null), EVENT, NOW);

        assertThat(dead.getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(dead.getEventTime()).isEqualTo(EVENT);
        assertThat(dead.getFailedTime()).isEqualTo(NOW);
        assertThat(dead.getSourcePartition()).isEqualTo(-1);
        assertThat(dead.getSourceOffset()).isEqualTo(-1L);
        assertThat(dead.getStreamId()).isNull();
        assertThat(dead.getOriginalBytes().remaining()).isZero();
        assertThat(dead.getMessage()).contains("neither");
    }

    @Test
    void anOutcomeWithBothKeepsTheDeadLettersRecordButSaysUnknown() {
        DeadLetter original = deadLetter(null, 7_000, ReasonCode.CORRUPT_IMAGE);
        FrameOutcome both = new FrameOutcome(labelled("cam-9", 7_000, 3, "cat", 0.5f), original);

        DeadLetter dead = FrameOutcomes.malformedToDeadLetter(both, EVENT, NOW);

        assertThat(dead.getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(dead.getMessage()).contains("both").contains("CORRUPT_IMAGE");
        assertThat(dead.getSourceTopic()).isEqualTo(original.getSourceTopic());
        assertThat(dead.getSourcePartition()).isEqualTo(original.getSourcePartition());
        assertThat(dead.getSourceOffset()).isEqualTo(original.getSourceOffset());
        assertThat(dead.getOriginalBytes()).isEqualTo(original.getOriginalBytes());
        assertThat(dead.getEventTime()).isEqualTo(original.getEventTime());
        // The stream id agrees with the window key (labelled first), so both count the same stream.
        assertThat(dead.getStreamId()).isEqualTo("cam-9").isEqualTo(FrameOutcomes.streamId(both));
        assertThat(dead.getFailedTime()).isEqualTo(NOW);
    }

    @Test
    void refusesToTreatAWellFormedOutcomeAsMalformed() {
        assertThatThrownBy(() -> FrameOutcomes.malformedToDeadLetter(
                outcome(labelled("a", 1, 1, "cat", 0.5f)), EVENT, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
