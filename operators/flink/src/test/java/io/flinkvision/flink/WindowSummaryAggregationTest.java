package io.flinkvision.flink;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.windows.PercentileOracle;
import io.flinkvision.schemas.LabelStat;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The window operator that WindowSummaries.apply builds, driven record by record through Flink's test harness. */
class WindowSummaryAggregationTest {
    private static final Duration SIZE = Duration.ofSeconds(10);
    private static final long WINDOW_END = SIZE.toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, FrameOutcome, WindowSummary> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void summarisesAWindowWhenTheWatermarkPassesItsEnd() throws Exception {
        open(Duration.ZERO);
        List<FrameOutcome> inputs = List.of(
                outcome(labelled("cam-1", 1_000, 120, "cat", 0.9f)),
                outcome(labelled("cam-1", 1_500, 80, "dog", 0.6f)),
                outcome(labelled("cam-1", 2_000, 200, "cat", 0.7f)),
                outcome(labelled("cam-1", 2_500, 95, "dog", 0.8f)),
                outcome(labelled("cam-1", 3_000, 310, "bird", 0.5f)),
                outcome(labelled("cam-1", 4_000, 60, "dog", 0.4f)),
                outcome(labelled("cam-1", 5_000, 150, "cat", 0.95f)),
                outcome(deadLetter("cam-1", 6_000, ReasonCode.CORRUPT_IMAGE)),
                outcome(deadLetter("cam-1", 9_999, ReasonCode.INFERENCE_TIMEOUT)));
        process(inputs);

        harness.processWatermark(WINDOW_END - 2);
        assertThat(harness.extractOutputValues()).as("before the window's last millisecond").isEmpty();
        harness.processWatermark(WINDOW_END - 1);

        WindowSummary summary = single(harness.extractOutputValues());
        assertThat(summary.getStreamId()).isEqualTo("cam-1");
        assertThat(summary.getWindowStart()).isEqualTo(Instant.EPOCH);
        assertThat(summary.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(WINDOW_END));
        assertThat(summary.getFramesLabelled()).isEqualTo(7);
        assertThat(summary.getFramesDeadLettered()).isEqualTo(2);
        assertThat(summary.getFramesIn()).isEqualTo(inputs.size());
        // cat and dog tie at 3: by label, cat first; so cat dominates.
        assertThat(summary.getLabels()).extracting(LabelStat::getLabel).containsExactly("cat", "dog", "bird");
        assertThat(summary.getLabels()).extracting(LabelStat::getCount).containsExactly(3L, 3L, 1L);
        assertThat(summary.getDominantLabel()).isEqualTo("cat");
        for (LabelStat stat : summary.getLabels()) {
            assertThat(stat.getMeanScore()).as(stat.getLabel()).isCloseTo(meanTop1Score(inputs, stat.getLabel()), within(1e-6));
        }
        List<Long> latencies = latencies(inputs);
        assertWithinStatedError(summary.getLatencyP50Millis(), PercentileOracle.percentile(latencies, 50));
        assertWithinStatedError(summary.getLatencyP95Millis(), PercentileOracle.percentile(latencies, 95));
    }

    @Test
    void keysByStreamWithUnknownForDeadLettersWithoutOne() throws Exception {
        open(Duration.ZERO);
        process(List.of(
                outcome(labelled("cam-1", 100, 10, "cat", 0.5f)),
                outcome(labelled("cam-2", 200, 20, "dog", 0.5f)),
                outcome(labelled("cam-2", 300, 30, "dog", 0.5f)),
                outcome(deadLetter(null, 400, ReasonCode.NOT_A_FRAME)),
                new FrameOutcome(null, null)));

        harness.processWatermark(WINDOW_END - 1);

        List<WindowSummary> summaries = harness.extractOutputValues();
        assertThat(summaries).extracting(WindowSummary::getStreamId)
                .containsExactlyInAnyOrder("cam-1", "cam-2", "unknown");
        assertThat(byStream(summaries, "cam-1").getFramesIn()).isEqualTo(1);
        assertThat(byStream(summaries, "cam-2").getFramesLabelled()).isEqualTo(2);
        // A malformed outcome counts as a dead letter, as the router turns it into one.
        WindowSummary unknown = byStream(summaries, "unknown");
        assertThat(unknown.getFramesDeadLettered()).isEqualTo(2);
        assertThat(unknown.getFramesLabelled()).isZero();
        assertThat(unknown.getLabels()).isEmpty();
        assertThat(unknown.getDominantLabel()).isNull();
        assertThat(unknown.getLatencyP50Millis()).isEqualTo(-1);
        assertThat(unknown.getLatencyP95Millis()).isEqualTo(-1);
    }

    @Test
    void eachWindowFiresOnItsOwnWatermark() throws Exception {
        open(Duration.ZERO);
        process(List.of(
                outcome(labelled("cam-1", 9_999, 10, "cat", 0.5f)),
                outcome(labelled("cam-1", 10_000, 10, "dog", 0.5f)),
                outcome(labelled("cam-1", 19_999, 10, "dog", 0.5f))));

        harness.processWatermark(WINDOW_END - 1);
        assertThat(harness.extractOutputValues()).extracting(WindowSummary::getDominantLabel).containsExactly("cat");

        harness.processWatermark(2 * WINDOW_END - 1);
        List<WindowSummary> summaries = harness.extractOutputValues();
        assertThat(summaries).extracting(s -> s.getWindowStart().toEpochMilli()).containsExactly(0L, WINDOW_END);
        assertThat(summaries.get(1).getFramesIn()).isEqualTo(2);
    }

    @Test
    void withoutLatenessALateOutcomeGoesToTheSideOutput() throws Exception {
        open(Duration.ZERO);
        process(List.of(outcome(labelled("cam-1", 1_000, 10, "cat", 0.5f))));
        harness.processWatermark(WINDOW_END - 1);

        FrameOutcome late = outcome(labelled("cam-1", 2_000, 10, "dog", 0.5f));
        harness.processElement(late, 2_000);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(lateOutcomes()).containsExactly(late);
    }

    @Test
    void withinTheLatenessALateOutcomeReEmitsTheUpdatedWindow() throws Exception {
        Duration lateness = Duration.ofSeconds(5);
        open(lateness);
        process(List.of(
                outcome(labelled("cam-1", 1_000, 10, "cat", 0.5f)),
                outcome(labelled("cam-1", 2_000, 10, "cat", 0.5f))));
        harness.processWatermark(WINDOW_END - 1);

        harness.processWatermark(WINDOW_END + 2_000);
        harness.processElement(outcome(labelled("cam-1", 3_000, 10, "dog", 0.5f)), 3_000);

        List<WindowSummary> emitted = harness.extractOutputValues();
        assertThat(emitted).hasSize(2);
        // Same window again, now counting the late frame too: consumers keep the latest (upsert).
        assertThat(emitted.get(1).getWindowStart()).isEqualTo(emitted.get(0).getWindowStart());
        assertThat(emitted).extracting(WindowSummary::getFramesIn).containsExactly(2L, 3L);
        assertThat(lateOutcomes()).isEmpty();

        // Once the watermark passes end + lateness, the window is gone and stragglers are late.
        harness.processWatermark(WINDOW_END - 1 + lateness.toMillis());
        FrameOutcome tooLate = outcome(labelled("cam-1", 4_000, 10, "dog", 0.5f));
        harness.processElement(tooLate, 4_000);

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(lateOutcomes()).containsExactly(tooLate);
    }

    @Test
    void anOpenWindowSurvivesASnapshotAndRestore() throws Exception {
        // Snapshotting writes the accumulator through its state serializer; restoring reads it back.
        open(Duration.ZERO);
        process(List.of(
                outcome(labelled("cam-1", 1_000, 40, "cat", 0.5f)),
                outcome(labelled("cam-1", 2_000, 70, "dog", 0.25f)),
                outcome(deadLetter("cam-1", 3_000, ReasonCode.SIZE_MISMATCH))));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = create(Duration.ZERO);
        harness.initializeState(snapshot);
        harness.open();
        process(List.of(outcome(labelled("cam-1", 4_000, 10, "dog", 0.75f))));
        harness.processWatermark(WINDOW_END - 1);

        WindowSummary summary = single(harness.extractOutputValues());
        assertThat(summary.getFramesLabelled()).isEqualTo(3);
        assertThat(summary.getFramesDeadLettered()).isEqualTo(1);
        assertThat(summary.getLabels()).extracting(LabelStat::getLabel, LabelStat::getCount)
                .containsExactly(tuple("dog", 2L), tuple("cat", 1L));
        assertThat(summary.getLabels().get(0).getMeanScore()).isCloseTo((0.25 + 0.75) / 2, within(1e-9));
        // Latencies 40, 70, 10: P50 is the 2nd smallest (40), P95 the largest (70); exact below 256 ms.
        assertThat(summary.getLatencyP50Millis()).isEqualTo(40);
        assertThat(summary.getLatencyP95Millis()).isEqualTo(70);
    }

    @Test
    void isBuiltWithItsUidAndAvroOutput() throws Exception {
        OneInputTransformation<FrameOutcome, WindowSummary> transformation = transformation(Duration.ZERO);

        assertThat(transformation.getUid()).isEqualTo("window-summaries");
        assertThat(transformation.getOutputType()).isInstanceOf(AvroTypeInfo.class);
    }

    /**
     * The operator exactly as WindowSummaries.apply builds it. Generic types are disabled, so that
     * if the accumulator's state serializer fell back to Kryo, building it would fail here.
     */
    @SuppressWarnings("unchecked")
    private static OneInputTransformation<FrameOutcome, WindowSummary> transformation(Duration lateness) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        DataStream<FrameOutcome> input = env.fromData(
                List.of(new FrameOutcome(null, null)), new AvroTypeInfo<>(FrameOutcome.class));
        return (OneInputTransformation<FrameOutcome, WindowSummary>)
                WindowSummaries.apply(input, SIZE, lateness).getTransformation();
    }

    private void open(Duration lateness) throws Exception {
        harness = create(lateness);
        harness.open();
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, FrameOutcome, WindowSummary> create(
            Duration lateness) throws Exception {
        OneInputTransformation<FrameOutcome, WindowSummary> transformation = transformation(lateness);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                transformation.getOperatorFactory(),
                (KeySelector<FrameOutcome, String>) transformation.getStateKeySelector(),
                (TypeInformation<String>) transformation.getStateKeyType());
    }

    /** Each outcome with its event time as record timestamp, as the async inference stage emits it. */
    private void process(List<FrameOutcome> outcomes) throws Exception {
        for (FrameOutcome outcome : outcomes) {
            long timestamp = outcome.getLabelled() != null
                    ? outcome.getLabelled().getCaptureTime().toEpochMilli()
                    : outcome.getDeadLetter() != null ? outcome.getDeadLetter().getEventTime().toEpochMilli() : 500L;
            harness.processElement(outcome, timestamp);
        }
    }

    private List<FrameOutcome> lateOutcomes() {
        var side = harness.getSideOutput(WindowSummaries.LATE_OUTCOMES);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static WindowSummary single(List<WindowSummary> summaries) {
        assertThat(summaries).hasSize(1);
        return summaries.get(0);
    }

    private static WindowSummary byStream(List<WindowSummary> summaries, String streamId) {
        return summaries.stream().filter(s -> s.getStreamId().equals(streamId)).findFirst().orElseThrow();
    }

    /** The accumulator's stated error: never below the exact nearest-rank latency, at most 1% above it. */
    private static void assertWithinStatedError(long reported, long exact) {
        assertThat(reported).isGreaterThanOrEqualTo(exact);
        assertThat((double) reported).isLessThanOrEqualTo(exact * 1.01);
    }

    private static List<Long> latencies(List<FrameOutcome> outcomes) {
        return labelledFrames(outcomes).stream()
                .map(f -> f.getLabelledTime().toEpochMilli() - f.getCaptureTime().toEpochMilli())
                .toList();
    }

    private static double meanTop1Score(List<FrameOutcome> outcomes, String label) {
        return labelledFrames(outcomes).stream()
                .filter(f -> f.getTopK().get(0).getLabel().equals(label))
                .mapToDouble(f -> f.getTopK().get(0).getScore())
                .average().orElseThrow();
    }

    private static List<LabelledFrame> labelledFrames(List<FrameOutcome> outcomes) {
        return outcomes.stream().map(FrameOutcome::getLabelled).filter(Objects::nonNull).toList();
    }
}
