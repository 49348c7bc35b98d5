package io.flinkvision.core.windows;

import static io.flinkvision.core.testing.OutcomeFixtures.detected;
import static org.assertj.core.api.Assertions.entry;
import io.flinkvision.schemas.ObjectCount;
import io.flinkvision.schemas.WindowSummary;
import java.time.Instant;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Counting outcomes into a window accumulator, its latency percentiles against the exact ones, and merging. */
class WindowAccumulatorTest {
    private static final int[] PERCENTS = {1, 14, 25, 50, 55, 75, 90, 95, 99, 100};

    private static WindowAccumulator withLatencies(List<Long> latencies) {
        WindowAccumulator acc = new WindowAccumulator();
        for (long latency : latencies) {
            acc.add(outcome(labelled("s", 1_000, latency, "cat", 0.5f)));
        }
        return acc;
    }

    /** The stated error: never below the exact nearest-rank value, at most 1% above it. */
    private static void assertWithinStatedError(long reported, long exact, String what) {
        assertThat(reported).as(what + ": not below the exact %d", exact).isGreaterThanOrEqualTo(exact);
        assertThat((double) reported).as(what + ": within 1%% of the exact %d", exact).isLessThanOrEqualTo(exact * 1.01);
    }

    @Test
    void countsLabelledDeadLetteredAndMalformedOutcomes() {
        WindowAccumulator acc = new WindowAccumulator();

        acc.add(outcome(labelled("s", 100, 40, "cat", 0.5f)));
        acc.add(outcome(labelled("s", 200, 60, "cat", 0.75f)));
        acc.add(outcome(labelled("s", 300, 10, List.of())));
        acc.add(outcome(deadLetter("s", 400, ReasonCode.CORRUPT_IMAGE)));
        acc.add(new FrameOutcome(null, null));

        assertThat(acc.getFramesLabelled()).isEqualTo(3);
        // The malformed outcome counts as dead-lettered, as the router dead-letters it.
        assertThat(acc.getFramesDeadLettered()).isEqualTo(2);
        // The frame without classes has a latency but no top-1 label.
        assertThat(acc.getLabels()).containsOnlyKeys("cat");
        assertThat(acc.getLabels().get("cat").getCount()).isEqualTo(2);
        assertThat(acc.getLabels().get("cat").getScoreSum()).isCloseTo(0.5 + 0.75, within(1e-9));
        assertThat(acc.latencyCount()).isEqualTo(3);
        // Below 256 ms the histogram is exact: 10, 40, 60.
        assertThat(acc.latencyMillisAt(1, -1)).isEqualTo(10);
        assertThat(acc.latencyMillisAt(50, -1)).isEqualTo(40);
        assertThat(acc.latencyMillisAt(100, -1)).isEqualTo(60);
    }

    @Test
    void percentilesAreTheNearestRankOnesWithinOnePercent() {
        Random random = new Random(42);
        for (int round = 0; round < 100; round++) {
            int n = 1 + random.nextInt(150);
            // Spread over 0 ms .. 1 h on a log scale, where the histogram's buckets widen.
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                latencies.add((long) Math.pow(10, random.nextDouble() * Math.log10(WindowAccumulator.MAX_TRACKED_LATENCY_MILLIS)));
            }
            WindowAccumulator acc = withLatencies(latencies);

            for (int percent : PERCENTS) {
                assertWithinStatedError(acc.latencyMillisAt(percent, -1), PercentileOracle.percentile(latencies, percent),
                        "P" + percent + " of " + latencies);
            }
        }
    }

    @Test
    void aMillionLatenciesStayWithinTheErrorInBoundedState() throws IOException {
        Random random = new Random(7);
        WindowAccumulator small = withLatencies(List.of(40L, 70L, 1_500L));
        WindowAccumulator large = new WindowAccumulator();
        long[] latencies = new long[1_000_000];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = (long) Math.exp(random.nextGaussian() * 1.5 + 5); // log-normal around 150 ms
            large.add(outcome(labelled("s", 1_000, latencies[i], "cat", 0.5f)));
        }

        NearestRankPercentile exact = new NearestRankPercentile(latencies);
        for (int percent : PERCENTS) {
            assertWithinStatedError(large.latencyMillisAt(percent, -1), exact.at(percent), "P" + percent);
        }
        assertThat(large.latencyHistogram().getEstimatedFootprintInBytes())
                .as("memory does not grow with the samples")
                .isEqualTo(small.latencyHistogram().getEstimatedFootprintInBytes())
                .isLessThan(10_000);
        assertThat(encodedSize(large)).as("serialized state stays small").isLessThan(4_096);
    }

    @Test
    void latenciesOutsideZeroToOneHourAreClamped() {
        WindowAccumulator acc = new WindowAccumulator()
                .add(outcome(labelled("s", 10_000, -250, "cat", 0.5f)))
                .add(outcome(labelled("s", 10_000, 2 * WindowAccumulator.MAX_TRACKED_LATENCY_MILLIS, "cat", 0.5f)));

        assertThat(acc.latencyMillisAt(50, -1)).as("a camera clock ahead of ours").isZero();
        assertWithinStatedError(acc.latencyMillisAt(100, -1), WindowAccumulator.MAX_TRACKED_LATENCY_MILLIS, "P100");
    }

    @Test
    void hasNoPercentileWithoutLatenciesAndRefusesPercentsOutsideZeroToHundred() {
        WindowAccumulator acc = new WindowAccumulator().add(outcome(deadLetter("s", 0, ReasonCode.NOT_A_FRAME)));

        assertThat(acc.latencyMillisAt(50, -1)).isEqualTo(-1);
        assertThatThrownBy(() -> acc.latencyMillisAt(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acc.latencyMillisAt(100.5, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergeAddsCountsTalliesAndLatencies() {
        WindowAccumulator a = new WindowAccumulator()
                .add(outcome(labelled("s", 0, 5, "cat", 0.25f)))
                .add(outcome(deadLetter("s", 0, ReasonCode.NOT_A_FRAME)));
        WindowAccumulator b = new WindowAccumulator()
                .add(outcome(labelled("s", 0, 9, "cat", 0.5f)))
                .add(outcome(labelled("s", 0, 1, "dog", 1.0f)));

        WindowAccumulator merged = a.merge(b);

        assertThat(merged.getFramesLabelled()).isEqualTo(3);
        assertThat(merged.getFramesDeadLettered()).isEqualTo(1);
        assertThat(merged.getLabels().get("cat")).isEqualTo(new LabelTally(2, 0.75));
        assertThat(merged.getLabels().get("dog")).isEqualTo(new LabelTally(1, 1.0));
        assertThat(merged.latencyCount()).isEqualTo(3);
        assertThat(merged.latencyMillisAt(1, -1)).isEqualTo(1);
        assertThat(merged.latencyMillisAt(50, -1)).isEqualTo(5);
        assertThat(merged.latencyMillisAt(100, -1)).isEqualTo(9);
        // The other accumulator is read, not changed.
        assertThat(b.getFramesLabelled()).isEqualTo(2);
        assertThat(b.latencyCount()).isEqualTo(2);
    }

    @Test
    void countsDetectedObjectsPerClassAndTheirSummaryAddsUp() {
        WindowAccumulator a = new WindowAccumulator()
                .add(outcome(detected("s", 0, 5, "person", "person", "tie")))
                .add(outcome(detected("s", 1, 5)))                       // a frame with nothing found
                .add(outcome(deadLetter("s", 0, ReasonCode.CORRUPT_IMAGE)));
        WindowAccumulator b = new WindowAccumulator()
                .add(outcome(detected("s", 2, 5, "person")))
                .add(outcome(detected("s", 3, 5, "person", "person", "person", "cup")));

        assertThat(a.getObjects()).containsOnly(
                entry("person", new ObjectTally(2, 1, 2)), entry("tie", new ObjectTally(1, 1, 1)));
        WindowAccumulator merged = a.copy().merge(b);
        assertThat(merged.getObjects()).containsOnly(
                entry("person", new ObjectTally(6, 3, 3)), entry("tie", new ObjectTally(1, 1, 1)),
                entry("cup", new ObjectTally(1, 1, 1)));
        assertThat(a.getObjects().get("person")).as("the copy was merged, not a").isEqualTo(new ObjectTally(2, 1, 2));

        WindowSummary summary = WindowSummaryBuilder.build("s", Instant.EPOCH, Instant.ofEpochMilli(10), merged);
        assertThat(summary.getFramesLabelled()).isEqualTo(4);
        assertThat(summary.getObjects()).extracting(ObjectCount::getLabel).containsExactly("person", "cup", "tie");
        ObjectCount person = summary.getObjects().get(0);
        assertThat(person.getDetections()).isEqualTo(6);
        assertThat(person.getFrames()).isEqualTo(3);
        assertThat(person.getMaxPerFrame()).isEqualTo(3);
        assertThat(person.getMeanPerFrame()).as("over the 4 labelled frames").isEqualTo(1.5);
        assertThat(summary.getObjects().stream().mapToLong(ObjectCount::getDetections).sum())
                .as("every box counted once").isEqualTo(3 + 0 + 1 + 4);
        assertThat(summary.getLabels()).as("detector frames have no top-1 class").isEmpty();
    }

    @Test
    void aClassificationWindowHasNoObjectCounts() {
        WindowAccumulator acc = new WindowAccumulator().add(outcome(labelled("s", 0, 5, "cat", 0.5f)));
        assertThat(acc.getObjects()).isEmpty();
        assertThat(WindowSummaryBuilder.build("s", Instant.EPOCH, Instant.ofEpochMilli(10), acc).getObjects()).isEmpty();
    }

    @Test
    void aCopyChangesIndependently() {
        WindowAccumulator original = withLatencies(List.of(10L, 20L));
        WindowAccumulator copy = original.copy();
        assertThat(copy).isEqualTo(original);

        copy.add(outcome(labelled("s", 0, 30, "cat", 0.5f)));

        assertThat(original.latencyCount()).isEqualTo(2);
        assertThat(original.getLabels().get("cat").getCount()).isEqualTo(2);
        assertThat(original.getFramesLabelled()).isEqualTo(2);
        assertThat(copy).isNotEqualTo(original);
    }

    private static int encodedSize(WindowAccumulator acc) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new WindowAccumulatorCodec().write(acc, new DataOutputStream(bytes));
        return bytes.size();
    }
}
