package io.flinkvision.measure;

import org.HdrHistogram.Histogram;

/**
 * A recorded latency distribution, in nanoseconds, kept in an HdrHistogram with
 * {@value #SIGNIFICANT_DIGITS} significant decimal digits: every value read back (percentiles,
 * max) is within 0.1% of a recorded one, whatever its magnitude, in constant memory however many
 * samples are recorded. Immutable: it holds its own copy.
 */
public final class Latencies {
    /** Precision of every histogram here: 3 significant digits, i.e. within 0.1%. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram nanos;

    private Latencies(Histogram nanos) {
        this.nanos = nanos;
    }

    /** An empty, auto-resizing histogram of nanoseconds with {@link #SIGNIFICANT_DIGITS}, for recording. */
    static Histogram newHistogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /** A snapshot of {@code recorded} (copied, so later recording does not change it). */
    public static Latencies of(Histogram recorded) {
        return new Latencies(recorded.copy());
    }

    /** Samples recorded. */
    public long count() {
        return nanos.getTotalCount();
    }

    /** The value at {@code percentile} (0..100] in milliseconds; 0 when nothing was recorded. */
    public double percentileMillis(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        return nanos.getValueAtPercentile(percentile) / 1e6;
    }

    /** The mean in milliseconds; 0 when nothing was recorded. */
    public double meanMillis() {
        return nanos.getMean() / 1e6;
    }

    public double maxMillis() {
        return nanos.getMaxValue() / 1e6;
    }

    /** A copy of the underlying histogram (nanoseconds), e.g. to merge or to log in HdrHistogram's formats. */
    public Histogram histogram() {
        return nanos.copy();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d samples, mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                count(), meanMillis(), count() == 0 ? 0 : percentileMillis(50), count() == 0 ? 0 : percentileMillis(99),
                maxMillis());
    }
}
