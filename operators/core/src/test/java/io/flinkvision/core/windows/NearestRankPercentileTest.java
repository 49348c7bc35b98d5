package io.flinkvision.core.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles against worked examples and the definition. */
class NearestRankPercentileTest {

    @Test
    void matchesTheTextbookExample() {
        // The classic nearest-rank example: 15, 20, 35, 40, 50 (given unsorted here).
        NearestRankPercentile p = new NearestRankPercentile(new long[] {40, 15, 50, 35, 20});

        assertThat(p.at(5)).isEqualTo(15);
        assertThat(p.at(30)).isEqualTo(20);
        assertThat(p.at(40)).isEqualTo(20);
        assertThat(p.at(50)).isEqualTo(35);
        assertThat(p.at(100)).isEqualTo(50);
    }

    @Test
    void wholePercentRanksAreExact() {
        // 0.55 * 100 is 55.00000000000001 in floating point; the rank must still be exactly 55.
        long[] samples = new long[100];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (i + 1) * 10L;
        }

        assertThat(new NearestRankPercentile(samples).at(55)).isEqualTo(550);
    }

    @Test
    void agreesWithTheDefinitionOnRandomSamples() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(120);
            long[] samples = random.longs(n, -50, 500).toArray();
            List<Long> boxed = Arrays.stream(samples).boxed().toList();
            NearestRankPercentile p = new NearestRankPercentile(samples);

            for (int percent : new int[] {1, 14, 25, 50, 55, 75, 90, 95, 99, 100}) {
                assertThat(p.at(percent))
                        .as("P%d of %s", percent, boxed)
                        .isEqualTo(PercentileOracle.percentile(boxed, percent));
            }
        }
    }

    @Test
    void usesOnlyTheFirstCountSamplesAndLeavesTheInputAlone() {
        long[] samples = {30, 10, 20, 1000, 2000};

        NearestRankPercentile p = new NearestRankPercentile(samples, 3);

        assertThat(p.at(100)).isEqualTo(30);
        assertThat(samples).containsExactly(30, 10, 20, 1000, 2000);
    }

    @Test
    void hasNoPercentileWithoutSamples() {
        NearestRankPercentile p = new NearestRankPercentile(new long[0]);

        assertThat(p.isEmpty()).isTrue();
        assertThat(p.atOrElse(50, -1)).isEqualTo(-1);
        assertThatThrownBy(() -> p.at(50)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsPercentilesOutsideZeroToHundred() {
        NearestRankPercentile p = new NearestRankPercentile(new long[] {1, 2});

        assertThatThrownBy(() -> p.at(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.at(100.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.at(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
