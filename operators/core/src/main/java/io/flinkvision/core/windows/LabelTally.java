package io.flinkvision.core.windows;

import java.util.Objects;

/**
 * How often one label was top-1 in a window and the sum of its top-1 scores (the mean is derived
 * when the window fires, so merging two tallies stays exact).
 *
 * <p>Mutable, as window state is; {@link WindowAccumulatorCodec} writes it into state.
 */
public class LabelTally {
    private long count;
    private double scoreSum;

    public LabelTally() {}

    public LabelTally(long count, double scoreSum) {
        this.count = count;
        this.scoreSum = scoreSum;
    }

    public void add(double score) {
        count++;
        scoreSum += score;
    }

    public void addAll(LabelTally other) {
        count += other.count;
        scoreSum += other.scoreSum;
    }

    public double meanScore() {
        return count == 0 ? 0.0 : scoreSum / count;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    public double getScoreSum() {
        return scoreSum;
    }

    public void setScoreSum(double scoreSum) {
        this.scoreSum = scoreSum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelTally other && count == other.count
                && Double.compare(scoreSum, other.scoreSum) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, scoreSum);
    }

    @Override
    public String toString() {
        return "LabelTally{count=" + count + ", scoreSum=" + scoreSum + '}';
    }
}
