package io.flinkvision.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Recommendation}: batch choice within the latency budget, slot arithmetic and the variant picked. */
class RecommendationTest {
    private static final Candidate B0 = Candidate.of(EfficientNetVariant.B0);
    private static final Candidate B1 = Candidate.of(EfficientNetVariant.B1);
    private static final Candidate B2 = Candidate.of(EfficientNetVariant.B2);

    private static Measurement m(Candidate v, int batch, double fps, double p99) {
        return new Measurement(v, batch, fps, p99, 10);
    }

    private static final List<Measurement> MEASURED = List.of(
            m(B0, 1, 100, 11), m(B0, 4, 130, 35),
            m(B1, 1, 60, 18), m(B1, 4, 75, 60),
            m(B2, 1, 40, 26), m(B2, 4, 48, 90));

    @Test
    void picksTheMostAccurateVariantThatFitsInTheSlots() {
        // 8 streams x 10 fps = 80 fps; 2 slots at most: B2 needs 2 (48 fps/slot at batch 4), so B2 wins.
        Recommendation r = Recommendation.decide(MEASURED, 80, 100, 2, 2);

        assertThat(r.anyFits()).isTrue();
        assertThat(r.chosen().variant()).isEqualTo(B2);
        assertThat(r.chosen().best().orElseThrow().batchSize()).isEqualTo(4);
        assertThat(r.chosen().slotsNeeded()).isEqualTo(2);
        assertThat(r.taskManagersNeeded()).isEqualTo(1);
        assertThat(r.lastLine()).isEqualTo("recommend variant=B2 slots=2 fps_per_slot=48.0");
    }

    @Test
    void aTighterLatencyBudgetRulesOutLargeBatchesAndThenLargerVariants() {
        // p99 <= 30 ms: only batch 1 counts; B2 at 40 fps/slot needs 2 slots, B1 at 60 needs 2, B0 needs 1.
        Recommendation twoSlots = Recommendation.decide(MEASURED, 80, 30, 2, 2);
        assertThat(twoSlots.chosen().variant()).isEqualTo(B2);
        assertThat(twoSlots.chosen().best().orElseThrow().batchSize()).isEqualTo(1);

        Recommendation oneSlot = Recommendation.decide(MEASURED, 80, 30, 1, 2);
        assertThat(oneSlot.chosen().variant()).isEqualTo(B0);
        assertThat(oneSlot.lastLine()).isEqualTo("recommend variant=B0 slots=1 fps_per_slot=100.0");

        Recommendation b2OutOfBudget = Recommendation.decide(MEASURED, 80, 20, 4, 2);
        assertThat(b2OutOfBudget.plans()).filteredOn(p -> p.variant() == B2)
                .singleElement().satisfies(p -> {
                    assertThat(p.best()).isEmpty();
                    assertThat(p.fits()).isFalse();
                });
        assertThat(b2OutOfBudget.chosen().variant()).isEqualTo(B1);
    }

    @Test
    void whenNothingFitsItReportsTheFastestWithItsRealSlotCount() {
        Recommendation r = Recommendation.decide(MEASURED, 1000, 100, 2, 2);

        assertThat(r.anyFits()).isFalse();
        assertThat(r.chosen().variant()).isEqualTo(B0);
        assertThat(r.chosen().slotsNeeded()).isEqualTo(8); // ceil(1000 / 130)
        assertThat(r.taskManagersNeeded()).isEqualTo(4);
        assertThat(r.lastLine()).isEqualTo("recommend variant=B0 slots=8 fps_per_slot=130.0");
    }

    @Test
    void whenNoBatchMeetsTheBudgetTheSlotCountIsUnbounded() {
        Recommendation r = Recommendation.decide(MEASURED, 10, 5, 8, 2);

        assertThat(r.anyFits()).isFalse();
        assertThat(r.chosen().slotsNeeded()).isEqualTo(Integer.MAX_VALUE);
        assertThat(r.lastLine()).startsWith("recommend variant=B0 slots=inf ");
    }

    @Test
    void slotArithmeticRoundsUpWithoutFloatingPointSurprises() {
        assertThat(Recommendation.slotsFor(80, 40)).isEqualTo(2);
        assertThat(Recommendation.slotsFor(80.0000001, 40)).isEqualTo(3);
        assertThat(Recommendation.slotsFor(0.3 * 3, 0.9)).isEqualTo(1);
        assertThat(Recommendation.slotsFor(1, 500)).isEqualTo(1);
        assertThat(Recommendation.slotsFor(1, 0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(Recommendation.taskManagersFor(5, 2)).isEqualTo(3);
        assertThat(Recommendation.taskManagersFor(Integer.MAX_VALUE, 2)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void refusesMeaninglessTargets() {
        assertThatThrownBy(() -> Recommendation.decide(MEASURED, 0, 100, 2, 2))
                .hasMessageContaining("target frames/s must be > 0");
        assertThatThrownBy(() -> Recommendation.decide(List.of(), 10, 100, 2, 2))
                .hasMessageContaining("no measurements");
    }

    @Test
    void theReportEndsWithTheRecommendationLineAndHasARowPerVariant() {
        Recommendation r = Recommendation.decide(MEASURED, 80, 100, 2, 2);
        List<String> lines = PlanTable.lines(r, v -> new PlanTable.Figures(5.29, 0.39));

        assertThat(lines.get(lines.size() - 1)).isEqualTo(r.lastLine());
        assertThat(lines).filteredOn(l -> l.matches("^B[0-7] .*")).hasSize(3);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("B2").contains("48.0").doesNotContain("does not fit"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("most accurate variant that fits: B2"));
    }
}
