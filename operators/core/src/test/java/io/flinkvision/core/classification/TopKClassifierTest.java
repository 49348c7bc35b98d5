package io.flinkvision.core.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.model.OutputKind;
import io.flinkvision.schemas.Classification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Softmax, ordering, k and background-offset rules of {@link TopKClassifier}, without a model file. */
class TopKClassifierTest {
    private static final List<String> ABCD = List.of("a", "b", "c", "d");

    /** p_i = 1 / sum_j exp(x_j - x_i): a different formula from the classifier's max-shifted one. */
    private static double independentSoftmax(float[] x, int i) {
        double sum = 0;
        for (float xj : x) {
            sum += Math.exp((double) xj - x[i]);
        }
        return 1 / sum;
    }

    @Test
    void softmaxMatchesAnIndependentComputation() {
        float[] logits = {1.0f, 2.5f, -0.75f, 0.25f};
        List<Classification> top = new TopKClassifier(ABCD, 0, OutputKind.LOGITS, 4).classify(logits);

        assertThat(top).extracting(Classification::getClassIndex).containsExactly(1, 0, 3, 2);
        for (Classification c : top) {
            assertThat((double) c.getScore()).isCloseTo(independentSoftmax(logits, c.getClassIndex()), within(1e-6));
            assertThat(c.getLabel()).isEqualTo(ABCD.get(c.getClassIndex()));
        }
    }

    @Test
    void knownValuesAndNoOverflowForLargeLogits() {
        // [0, ln 3] -> 1/4, 3/4; [1000, 999] would overflow exp() without the max shift.
        List<Classification> small = new TopKClassifier(List.of("x", "y"), 0, OutputKind.LOGITS, 2)
                .classify(new float[] {0f, (float) Math.log(3)});
        assertThat(small.get(0).getScore()).isCloseTo(0.75f, within(1e-6f));
        assertThat(small.get(1).getScore()).isCloseTo(0.25f, within(1e-6f));

        List<Classification> large = new TopKClassifier(List.of("x", "y"), 0, OutputKind.LOGITS, 2)
                .classify(new float[] {1000f, 999f});
        assertThat((double) large.get(0).getScore()).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-6));
    }

    @Test
    void sortsByScoreThenLowerIndexAndKeepsOnlyK() {
        float[] probabilities = {0.1f, 0.3f, 0.3f, 0.2f, 0.1f};
        List<Classification> top = new TopKClassifier(List.of("a", "b", "c", "d", "e"), 0,
                OutputKind.PROBABILITIES, 3).classify(probabilities);
        assertThat(top).extracting(Classification::getClassIndex).containsExactly(1, 2, 3);

        List<Classification> ties = new TopKClassifier(List.of("a", "b", "c", "d", "e"), 0,
                OutputKind.LOGITS, 5).classify(new float[] {2f, 2f, 2f, 2f, 2f});
        assertThat(ties).extracting(Classification::getClassIndex).containsExactly(0, 1, 2, 3, 4);
        assertThat(ties).allSatisfy(c -> assertThat(c.getScore()).isCloseTo(0.2f, within(1e-6f)));
    }

    @Test
    void kLargerThanTheClassesReturnsEveryClass() {
        List<Classification> top = new TopKClassifier(List.of("a", "b", "c"), 0, OutputKind.LOGITS, 10)
                .classify(new float[] {0f, 3f, 1f});
        assertThat(top).extracting(Classification::getLabel).containsExactly("b", "c", "a");
    }

    @Test
    void offsetDropsTheBackgroundClassBeforeSoftmax() {
        // Index 0 is background with the largest logit: it must neither appear nor take probability mass.
        float[] row = {9f, 1f, 2f, 0f};
        List<Classification> top = new TopKClassifier(List.of("a", "b", "c"), 1, OutputKind.LOGITS, 3).classify(row);

        assertThat(top).extracting(Classification::getClassIndex).containsExactly(1, 0, 2);
        assertThat(top).extracting(Classification::getLabel).containsExactly("b", "a", "c");
        float[] classesOnly = {1f, 2f, 0f};
        assertThat((double) top.get(0).getScore()).isCloseTo(independentSoftmax(classesOnly, 1), within(1e-6));
        double sum = top.stream().mapToDouble(Classification::getScore).sum();
        assertThat(sum).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void probabilitiesPassThroughUnchanged() {
        float[] probabilities = {0.05f, 0.6f, 0.35f};
        List<Classification> top = new TopKClassifier(List.of("a", "b", "c"), 0, OutputKind.PROBABILITIES, 2)
                .classify(probabilities);
        assertThat(top).extracting(Classification::getScore).containsExactly(0.6f, 0.35f);
    }

    @Test
    void rejectsWrongLengthAndNonFiniteValues() {
        TopKClassifier classifier = new TopKClassifier(List.of("a", "b", "c"), 1, OutputKind.LOGITS, 2);
        assertThatThrownBy(() -> classifier.classify(new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 4");
        assertThatThrownBy(() -> classifier.classify(new float[] {0f, 1f, Float.NaN, 2f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN at index 2");
    }
}
