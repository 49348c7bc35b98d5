package io.flinkvision.core.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ClassAwareNms} against a brute-force reference of the definition, and its corner cases. */
class ClassAwareNmsTest {

    @Test
    void matchesBruteForceOnRandomBoxesWithTiesAndSeveralClasses() {
        Random random = new Random(20261201);
        for (int round = 0; round < 300; round++) {
            int n = random.nextInt(60);
            int classes = 1 + random.nextInt(4);
            Candidates c = new Candidates();
            for (int i = 0; i < n; i++) {
                float x = random.nextInt(100);
                float y = random.nextInt(100);
                float w = 1 + random.nextInt(40);
                float h = 1 + random.nextInt(40);
                // Scores on a coarse grid, so that many are equal and the tie rule is exercised
                float score = random.nextInt(8) / 8f;
                c.add(x, y, x + w, y + h, score, random.nextInt(classes));
            }
            double iou = new double[] {0.1, 0.3, 0.45, 0.5, 0.7, 0.9}[random.nextInt(6)];
            int maxKept = 1 + random.nextInt(40);
            int[] got = ClassAwareNms.select(c, iou, maxKept, Integer.MAX_VALUE);
            assertThat(got).as("round %d: %d boxes, %d classes, IoU %.2f, max %d", round, n, classes, iou, maxKept)
                    .containsExactly(bruteForce(c, iou, maxKept));
        }
    }

    @Test
    void emptyInputKeepsNothing() {
        assertThat(ClassAwareNms.select(new Candidates(), 0.5, 100, 5000)).isEmpty();
    }

    @Test
    void identicalBoxesOfOneClassKeepOnlyTheBestAndOfManyClassesOnePerClass() {
        Candidates same = new Candidates();
        for (int i = 0; i < 10; i++) {
            same.add(10, 10, 50, 50, 0.5f + i / 100f, 0);
        }
        assertThat(ClassAwareNms.select(same, 0.5, 100, 5000)).containsExactly(9);

        Candidates classes = new Candidates();
        for (int i = 0; i < 6; i++) {
            classes.add(10, 10, 50, 50, 0.9f - i / 100f, i % 3);
        }
        // classes 0, 1, 2 each keep their best (indices 0, 1, 2); the rest are duplicates of them
        assertThat(ClassAwareNms.select(classes, 0.5, 100, 5000)).containsExactly(0, 1, 2);
    }

    @Test
    void equalScoresKeepTheLowerIndexFirst() {
        Candidates c = new Candidates();
        c.add(0, 0, 10, 10, 0.7f, 0);
        c.add(0, 0, 10, 10, 0.7f, 0); // same box, same score: suppressed by index 0
        c.add(50, 50, 60, 60, 0.7f, 0); // same score, no overlap: kept, after index 0
        assertThat(ClassAwareNms.select(c, 0.5, 100, 5000)).containsExactly(0, 2);
    }

    @Test
    void overlapExactlyAtTheThresholdIsKept() {
        Candidates c = new Candidates();
        c.add(0, 0, 10, 10, 0.9f, 0);
        c.add(5, 0, 15, 10, 0.8f, 0); // intersection 50, union 150: IoU 1/3
        assertThat(ClassAwareNms.select(c, 0.34, 100, 5000)).containsExactly(0, 1);
        assertThat(ClassAwareNms.select(c, 0.33, 100, 5000)).containsExactly(0);
        assertThat(ClassAwareNms.select(c, 1.0, 100, 5000)).containsExactly(0, 1);
    }

    @Test
    void theCapsStopSelectionAndConsiderationInScoreOrder() {
        Candidates c = new Candidates();
        for (int i = 0; i < 20; i++) {
            c.add(i * 20, 0, i * 20 + 10, 10, i / 20f, 0); // disjoint: nothing suppressed
        }
        assertThat(ClassAwareNms.select(c, 0.5, 3, 5000)).containsExactly(19, 18, 17);
        assertThat(ClassAwareNms.select(c, 0.5, 100, 4)).containsExactly(19, 18, 17, 16);
    }

    /** The definition, without the per-class bookkeeping: visit in score order, compare with every kept box. */
    private static int[] bruteForce(Candidates c, double threshold, int maxKept) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -c.score(i)).thenComparingInt(i -> i));
        List<Integer> kept = new ArrayList<>();
        for (int i : order) {
            if (kept.size() == maxKept) {
                break;
            }
            boolean suppressed = false;
            for (int j : kept) {
                if (c.classIndex(i) == c.classIndex(j) && iou(c, i, j) > threshold) {
                    suppressed = true;
                }
            }
            if (!suppressed) {
                kept.add(i);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double iou(Candidates c, int i, int j) {
        double ix = Math.max(0, Math.min(c.x2(i), c.x2(j)) - Math.max(c.x1(i), c.x1(j)));
        double iy = Math.max(0, Math.min(c.y2(i), c.y2(j)) - Math.max(c.y1(i), c.y1(j)));
        double a = (c.x2(i) - c.x1(i)) * (c.y2(i) - c.y1(i));
        double b = (c.x2(j) - c.x1(j)) * (c.y2(j) - c.y1(j));
        return ix * iy / (a + b - ix * iy);
    }
}
