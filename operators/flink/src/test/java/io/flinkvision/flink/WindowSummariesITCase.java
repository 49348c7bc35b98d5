package io.flinkvision.flink;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.testing.OutcomeFixtures;
import io.flinkvision.schemas.LabelStat;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WindowSummaries on a mini cluster: per stream and window, the summaries add up to the inputs. */
class WindowSummariesITCase {
    private static final Duration SIZE = Duration.ofSeconds(10);
    private static final List<String> STREAMS = List.of("cam-a", "cam-b", "cam-c");
    private static final List<String> LABELS = List.of("cat", "dog", "bird");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void summariesAddUpToTheInputsPerStreamAndWindow() throws Exception {
        List<FrameOutcome> inputs = inputs(new Random(7), 300);
        Configuration config = new Configuration();
        // Fail the job rather than silently fall back to Kryo anywhere in the pipeline.
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        // The inputs are shuffled; a lag longer than their whole span means none is late.
        DataStream<FrameOutcome> outcomes = env
                .fromData(inputs, new AvroTypeInfo<>(FrameOutcome.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<FrameOutcome>forBoundedOutOfOrderness(Duration.ofMinutes(5))
                        .withTimestampAssigner((outcome, ignored) -> OutcomeFixtures.eventTime(outcome)));

        List<WindowSummary> summaries = WindowSummaries.apply(outcomes, SIZE, Duration.ZERO).executeAndCollect(10_000);

        Map<String, Expected> expected = expectedPerStreamAndWindow(inputs);
        Map<String, WindowSummary> actual = summaries.stream()
                .collect(Collectors.toMap(s -> key(s.getStreamId(), s.getWindowStart().toEpochMilli()), s -> s));
        assertThat(actual).as("one summary per stream and window").hasSameSizeAs(summaries);
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, want) -> {
            WindowSummary got = actual.get(key);
            assertThat(got.getFramesLabelled()).as(key).isEqualTo(want.labelled);
            assertThat(got.getFramesDeadLettered()).as(key).isEqualTo(want.deadLettered);
            assertThat(got.getFramesIn()).as(key).isEqualTo(want.labelled + want.deadLettered);
            assertThat(got.getLabels().stream().collect(Collectors.toMap(LabelStat::getLabel, LabelStat::getCount)))
                    .as(key).isEqualTo(want.labelCounts);
            assertThat(got.getWindowEnd().toEpochMilli() - got.getWindowStart().toEpochMilli())
                    .isEqualTo(SIZE.toMillis());
        });
        assertThat(summaries.stream().mapToLong(WindowSummary::getFramesIn).sum()).isEqualTo(inputs.size());
    }

    /** Labelled frames and dead letters (some without a stream) over 35 s, in shuffled order. */
    private static List<FrameOutcome> inputs(Random random, int count) {
        List<FrameOutcome> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String stream = STREAMS.get(random.nextInt(STREAMS.size()));
            long time = random.nextInt(35_000);
            if (random.nextInt(5) == 0) {
                inputs.add(outcome(deadLetter(random.nextBoolean() ? stream : null, time, ReasonCode.CORRUPT_IMAGE)));
            } else {
                inputs.add(outcome(labelled(stream, time, 20 + random.nextInt(300),
                        LABELS.get(random.nextInt(LABELS.size())), random.nextFloat())));
            }
        }
        Collections.shuffle(inputs, random);
        return inputs;
    }

    private static Map<String, Expected> expectedPerStreamAndWindow(List<FrameOutcome> inputs) {
        Map<String, Expected> expected = new TreeMap<>();
        for (FrameOutcome outcome : inputs) {
            long time = OutcomeFixtures.eventTime(outcome);
            long windowStart = time - time % SIZE.toMillis();
            if (outcome.getLabelled() != null) {
                Expected e = expected.computeIfAbsent(key(outcome.getLabelled().getStreamId(), windowStart),
                        k -> new Expected());
                e.labelled++;
                e.labelCounts.merge(outcome.getLabelled().getTopK().get(0).getLabel(), 1L, Long::sum);
            } else {
                String stream = outcome.getDeadLetter().getStreamId();
                expected.computeIfAbsent(key(stream == null ? "unknown" : stream, windowStart),
                        k -> new Expected()).deadLettered++;
            }
        }
        return expected;
    }

    private static String key(String streamId, long windowStart) {
        return streamId + "@" + windowStart;
    }

    /** What one stream's window should report, counted straight from the inputs. */
    private static final class Expected {
        long labelled;
        long deadLettered;
        final Map<String, Long> labelCounts = new TreeMap<>();
    }
}
