package io.flinkvision.core.outcome;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import org.junit.jupiter.api.Test;

/** Reading outcomes: kind and stream id. */
class FrameOutcomesTest {
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
}
