package io.flinkvision.core.windows;

import java.util.Arrays;

/**
 * Percentiles by the nearest-rank method: the P-th percentile of n samples is the sample at rank
 * ceil(P/100 * n) in ascending order. Unlike interpolating methods, the answer is always one of the
 * samples, so a reported latency is one some frame actually had.
 */
public final class NearestRankPercentile {
    private final long[] sorted;

    /** Sorts a copy of the first {@code count} samples once, so several percentiles share it. */
    public NearestRankPercentile(long[] samples, int count) {
        if (count < 0 || count > samples.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + samples.length);
        }
        this.sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
    }

    public NearestRankPercentile(long[] samples) {
        this(samples, samples.length);
    }

    public boolean isEmpty() {
        return sorted.length == 0;
    }

    /**
     * The {@code percentile}-th percentile, for a percentile in (0, 100].
     *
     * @throws IllegalStateException when there are no samples (there is no such value)
     */
    public long at(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        if (sorted.length == 0) {
            throw new IllegalStateException("no samples");
        }
        // percentile * n first, then / 100: exact for whole percentiles (0.55 * 100 is 55.00000000000001).
        long rank = (long) Math.ceil(percentile * sorted.length / 100.0);
        return sorted[(int) Math.max(1, rank) - 1];
    }

    /** {@link #at} or {@code whenEmpty} if there are no samples. */
    public long atOrElse(double percentile, long whenEmpty) {
        return isEmpty() ? whenEmpty : at(percentile);
    }
}
