package io.flinkvision.core.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy non-maximum suppression per class: in order of score (highest first; equal scores keep the
 * lower candidate index first), a box is kept unless a kept box of the same class overlaps it by
 * more than the IoU threshold; boxes of different classes never suppress each other. Stops at
 * {@code maxKept} boxes. Only boxes of the same class are compared, so the cost is the sum over
 * classes of (candidates x kept) rather than its square over all candidates.
 */
final class ClassAwareNms {
    private ClassAwareNms() {}

    /** Candidate indices in score order, before suppression: the order {@link #select} visits them in. */
    static int[] scoreOrder(Candidates c) {
        int n = c.size();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            // Scores are >= 0 here (decoders keep score >= threshold >= 0), and the bits of
            // non-negative floats order as the floats do; + 0f turns -0 into 0.
            int bits = Float.floatToIntBits(c.score(i) + 0f);
            keys[i] = ((long) (Integer.MAX_VALUE - bits) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /**
     * @param iouThreshold suppress when IoU is strictly greater; 1 keeps every box
     * @param maxCandidates only this many best-scoring candidates are considered at all
     * @return kept candidate indices, highest score first
     */
    static int[] select(Candidates c, double iouThreshold, int maxKept, int maxCandidates) {
        int[] order = scoreOrder(c);
        int considered = Math.min(order.length, maxCandidates);
        Map<Integer, List<Integer>> keptByClass = new HashMap<>();
        int[] kept = new int[Math.min(considered, maxKept)];
        int count = 0;
        for (int k = 0; k < considered && count < kept.length; k++) {
            int i = order[k];
            List<Integer> sameClass = keptByClass.computeIfAbsent(c.classIndex(i), x -> new ArrayList<>());
            boolean suppressed = false;
            if (iouThreshold < 1) {
                for (int j : sameClass) {
                    if (c.iou(i, j) > iouThreshold) {
                        suppressed = true;
                        break;
                    }
                }
            }
            if (!suppressed) {
                sameClass.add(i);
                kept[count++] = i;
            }
        }
        return Arrays.copyOf(kept, count);
    }
}
