package io.flinkvision.core.windows;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counting outcomes into a window accumulator, and merging accumulators. */
class WindowAccumulatorTest {

    @Test
    void countsLabelledDeadLetteredAndMalformedOutcomes() {
        WindowAccumulator acc = new WindowAccumulator();

        acc.add(outcome(labelled("s", 100, 40, "cat", 0.5f)));
        acc.add(outcome(labelled("s", 200, 60, "cat", 0.75f)));
        acc.add(outcome(labelled("s", 300, 10, List.of())));
        acc.add(outcome(deadLetter("s", 400, ReasonCode.CORRUPT_IMAGE)));
        acc.add(new FrameOutcome(null, null));

        assertThat(acc.getFramesLabelled()).isEqualTo(3);
        // The malformed outcome counts as dead-lettered, as the router dead-letters it.
        assertThat(acc.getFramesDeadLettered()).isEqualTo(2);
        // The frame without classes has a latency but no top-1 label.
        assertThat(acc.getLabels()).containsOnlyKeys("cat");
        assertThat(acc.getLabels().get("cat").getCount()).isEqualTo(2);
        assertThat(acc.getLabels().get("cat").getScoreSum()).isCloseTo(0.5 + 0.75, within(1e-9));
        assertThat(acc.latencies()).containsExactly(40, 60, 10);
    }

    @Test
    void keepsEveryLatencySampleAsTheArrayGrows() {
        WindowAccumulator acc = new WindowAccumulator();
        long[] expected = new long[100];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = 7L * i;
            acc.add(outcome(labelled("s", i, expected[i], "cat", 0.5f)));
        }

        assertThat(acc.latencies()).containsExactly(expected);
        assertThat(acc.getLatencySampleCount()).isEqualTo(100);
    }

    @Test
    void mergeAddsCountsTalliesAndSamples() {
        WindowAccumulator a = new WindowAccumulator()
                .add(outcome(labelled("s", 0, 5, "cat", 0.25f)))
                .add(outcome(deadLetter("s", 0, ReasonCode.NOT_A_FRAME)));
        WindowAccumulator b = new WindowAccumulator()
                .add(outcome(labelled("s", 0, 9, "cat", 0.5f)))
                .add(outcome(labelled("s", 0, 1, "dog", 1.0f)));

        WindowAccumulator merged = a.merge(b);

        assertThat(merged.getFramesLabelled()).isEqualTo(3);
        assertThat(merged.getFramesDeadLettered()).isEqualTo(1);
        assertThat(merged.getLabels().get("cat")).isEqualTo(new LabelTally(2, 0.75));
        assertThat(merged.getLabels().get("dog")).isEqualTo(new LabelTally(1, 1.0));
        assertThat(merged.latencies()).containsExactly(5, 9, 1);
        // The other accumulator is read, not changed.
        assertThat(b.getFramesLabelled()).isEqualTo(2);
    }
}
