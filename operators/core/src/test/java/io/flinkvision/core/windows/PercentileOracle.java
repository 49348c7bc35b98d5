package io.flinkvision.core.windows;

import java.util.List;

/**
 * Nearest-rank percentile straight from its definition, for tests to check against: the smallest
 * sample v such that at least p% of the samples are at most v. Quadratic and unsorted on purpose,
 * to share nothing with {@link NearestRankPercentile}.
 */
public final class PercentileOracle {
    private PercentileOracle() {}

    /** @param percent a whole percentage in 1..100; -1 when there are no samples */
    public static long percentile(List<Long> samples, int percent) {
        long best = -1;
        boolean found = false;
        for (long candidate : samples) {
            long atMost = samples.stream().filter(x -> x <= candidate).count();
            // Integer arithmetic: atMost / n >= percent / 100.
            if (atMost * 100 >= (long) percent * samples.size() && (!found || candidate < best)) {
                best = candidate;
                found = true;
            }
        }
        return best;
    }
}
