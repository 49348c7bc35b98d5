package io.flinkvision.core.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reads candidates back for assertions. */
final class DecoderTestSupport {
    private DecoderTestSupport() {}

    /** Candidate i is this box (input pixels, within 1e-3), score (within 1e-5) and class. */
    static void assertCandidate(Candidates c, int i, double x1, double y1, double x2, double y2, double score,
            int classIndex) {
        assertThat((double) c.x1(i)).as("x1 of %d", i).isCloseTo(x1, within(1e-3));
        assertThat((double) c.y1(i)).as("y1 of %d", i).isCloseTo(y1, within(1e-3));
        assertThat((double) c.x2(i)).as("x2 of %d", i).isCloseTo(x2, within(1e-3));
        assertThat((double) c.y2(i)).as("y2 of %d", i).isCloseTo(y2, within(1e-3));
        assertThat((double) c.score(i)).as("score of %d", i).isCloseTo(score, within(1e-5));
        assertThat(c.classIndex(i)).as("class of %d", i).isEqualTo(classIndex);
    }
}
