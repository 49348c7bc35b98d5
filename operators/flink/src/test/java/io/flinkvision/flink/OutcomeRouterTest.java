package io.flinkvision.flink;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OutcomeRouter: labelled frames to the main output, dead letters (and malformed outcomes) to the side. */
class OutcomeRouterTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private OneInputStreamOperatorTestHarness<FrameOutcome, LabelledFrame> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(
                new OutcomeRouter(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void labelledFramesGoToTheMainOutputOnly() throws Exception {
        LabelledFrame first = labelled("cam-1", 1_000, 30, "cat", 0.9f);
        LabelledFrame second = labelled("cam-2", 2_000, 40, "dog", 0.8f);

        harness.processElement(outcome(first), 1_000);
        harness.processElement(outcome(second), 2_000);

        assertThat(harness.extractOutputValues()).containsExactly(first, second);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void deadLettersGoToTheSideOutputOnly() throws Exception {
        DeadLetter dead = deadLetter("cam-1", 3_000, ReasonCode.CORRUPT_IMAGE);

        harness.processElement(outcome(dead), 3_000);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).containsExactly(dead);
    }

    @Test
    void anOutcomeWithNeitherBecomesAnUnknownDeadLetterAtTheRecordsTime() throws Exception {
        harness.processElement(new FrameOutcome(null, null), 4_000);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(dead.get(0).getEventTime()).isEqualTo(Instant.ofEpochMilli(4_000));
        assertThat(dead.get(0).getFailedTime()).isEqualTo(NOW);
    }

    @Test
    void anOutcomeWithNeitherAndNoTimestampIsDatedNow() throws Exception {
        harness.processElement(new StreamRecord<>(new FrameOutcome(null, null)));

        assertThat(deadLetters()).singleElement()
                .satisfies(dead -> assertThat(dead.getEventTime()).isEqualTo(NOW));
    }

    @Test
    void anOutcomeWithBothIsNotLabelledButDeadLetteredAsUnknown() throws Exception {
        DeadLetter original = deadLetter("cam-3", 5_000, ReasonCode.INFERENCE_FAILED);

        harness.processElement(new FrameOutcome(labelled("cam-3", 5_000, 10, "cat", 0.9f), original), 5_000);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.getReason()).isEqualTo(ReasonCode.UNKNOWN);
            assertThat(dead.getSourceOffset()).isEqualTo(original.getSourceOffset());
            assertThat(dead.getOriginalBytes()).isEqualTo(original.getOriginalBytes());
            assertThat(dead.getMessage()).contains("INFERENCE_FAILED");
        });
    }

    @Test
    void outputTypesAreAvroNotKryo() {
        assertThat(OutcomeRouter.LABELLED_TYPE.getTypeClass()).isEqualTo(LabelledFrame.class);
        assertThat(OutcomeRouter.DEAD_LETTERS.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
        assertThat(OutcomeRouter.DEAD_LETTERS.getTypeInfo().getTypeClass()).isEqualTo(DeadLetter.class);
    }

    private List<DeadLetter> deadLetters() {
        return harness.getSideOutput(OutcomeRouter.DEAD_LETTERS) == null ? List.of()
                : harness.getSideOutput(OutcomeRouter.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
    }
}
