package io.flinkvision.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void percentilesOfKnownSamplesAreWithinTheStatedPrecision() {
        Histogram h = Latencies.newHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            h.recordValue(ms * 1_000_000L);
        }

        Latencies l = Latencies.of(h);

        assertThat(l.count()).isEqualTo(1000);
        // Nearest rank: p50 of 1..1000 ms is 500 ms, p99 is 990 ms; 3 significant digits = within 0.1%.
        assertThat(l.percentileMillis(50)).isCloseTo(500, within(0.5));
        assertThat(l.percentileMillis(99)).isCloseTo(990, within(0.99));
        assertThat(l.percentileMillis(100)).isCloseTo(1000, within(1.0));
        assertThat(l.meanMillis()).isCloseTo(500.5, within(0.5));
        assertThat(l.maxMillis()).isCloseTo(1000, within(1.0));
    }

    @Test
    void aSnapshotDoesNotChangeWhenRecordingGoesOn() {
        Histogram h = Latencies.newHistogram();
        h.recordValue(2_000_000L);
        Latencies snapshot = Latencies.of(h);

        h.recordValue(9_000_000_000L);
        snapshot.histogram().recordValue(5);

        assertThat(snapshot.count()).isEqualTo(1);
        assertThat(snapshot.maxMillis()).isCloseTo(2, within(0.002));
    }

    @Test
    void refusesPercentilesOutsideTheRange() {
        Latencies l = Latencies.of(Latencies.newHistogram());

        assertThat(l.meanMillis()).isZero();
        assertThatThrownBy(() -> l.percentileMillis(0)).hasMessageContaining("percentile must be in (0, 100]");
        assertThatThrownBy(() -> l.percentileMillis(101)).hasMessageContaining("got 101");
    }
}
