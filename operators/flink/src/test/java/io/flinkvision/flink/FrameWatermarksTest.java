package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/** FrameWatermarks: event time from capture time or Kafka timestamp, bounded lag over frames only, idleness. */
class FrameWatermarksTest {
    private static final Duration LAG = Duration.ofSeconds(2);
    private static final Duration IDLENESS = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();

    @Test
    void aFramesEventTimeIsItsCaptureTime() {
        TimestampAssigner<FrameEnvelope> assigner = assigner(FrameWatermarks.strategy(LAG, IDLENESS));

        assertThat(assigner.extractTimestamp(envelope(frameCapturedAt(1_700_000_123_456L), 42L), 42L))
                .isEqualTo(1_700_000_123_456L);
    }

    @Test
    void aRecordThatIsNotAFrameUsesItsKafkaTimestamp() {
        TimestampAssigner<FrameEnvelope> assigner = assigner(FrameWatermarks.strategy(LAG, IDLENESS));

        // The record timestamp Flink passes differs on purpose: the envelope's own field is the one used.
        assertThat(assigner.extractTimestamp(envelope(null, 1_700_000_999_000L), 7L)).isEqualTo(1_700_000_999_000L);
    }

    @Test
    void watermarksTrailTheLargestEventTimeByTheLag() {
        WatermarkGenerator<FrameEnvelope> generator = generator(FrameWatermarks.strategy(LAG, IDLENESS));
        RecordingOutput output = new RecordingOutput();

        for (long t : new long[] {10_000, 12_000, 11_000}) {
            generator.onEvent(envelope(frameCapturedAt(t), 0), t, output);
        }
        generator.onPeriodicEmit(output);

        // Bounded out-of-orderness promises nothing at or below max - lag will come: max - lag - 1.
        assertThat(output.watermarks).last().isEqualTo(12_000 - LAG.toMillis() - 1);
        assertThat(output.idle).isFalse();
    }

    @Test
    void aRecordThatIsNotAFrameNeverMovesTheWatermark() {
        WatermarkGenerator<FrameEnvelope> generator = generator(FrameWatermarks.strategy(LAG, IDLENESS));
        RecordingOutput output = new RecordingOutput();

        generator.onEvent(envelope(frameCapturedAt(10_000), 0), 10_000, output);
        // Garbage stamped by a producer's wall clock, far ahead of the (replayed) frames' capture times.
        generator.onEvent(envelope(null, 1_800_000_000_000L), 1_800_000_000_000L, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).last().as("frames behind it stay on time").isEqualTo(10_000 - LAG.toMillis() - 1);

        generator.onEvent(envelope(frameCapturedAt(11_000), 0), 11_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).last().isEqualTo(11_000 - LAG.toMillis() - 1);
    }

    @Test
    void withoutFramesRecordsThatAreNotFramesStillMoveTheWatermark() {
        WatermarkGenerator<FrameEnvelope> generator = generator(FrameWatermarks.strategy(LAG, IDLENESS));
        RecordingOutput output = new RecordingOutput();

        // A partition fed only garbage must not hold every window back.
        generator.onEvent(envelope(null, 5_000), 5_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).last().isEqualTo(5_000 - LAG.toMillis() - 1);

        // Frames take the lead as soon as there are some...
        generator.onEvent(envelope(frameCapturedAt(3_000), 0), 3_000, output);
        generator.onEvent(envelope(null, 90_000), 90_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).last().isEqualTo(3_000 - LAG.toMillis() - 1);

        // ...and give it back when they stop coming while other records still do.
        clock.advanceTime(IDLENESS.plusMillis(1));
        generator.onEvent(envelope(null, 95_000), 95_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).last().isEqualTo(95_000 - LAG.toMillis() - 1);
    }

    @Test
    void aSilentSplitIsMarkedIdleAfterTheIdleness() {
        WatermarkGenerator<FrameEnvelope> generator = generator(FrameWatermarks.strategy(LAG, IDLENESS));
        RecordingOutput output = new RecordingOutput();
        generator.onEvent(envelope(frameCapturedAt(10_000), 0), 10_000, output);

        generator.onPeriodicEmit(output);
        // Flink's idleness timer starts counting at the first periodic check that sees no new event.
        clock.advanceTime(Duration.ofSeconds(1));
        generator.onPeriodicEmit(output);
        clock.advanceTime(IDLENESS);
        generator.onPeriodicEmit(output);
        assertThat(output.idle).isFalse();

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        assertThat(output.idle).isTrue();
    }

    @Test
    void zeroIdlenessNeverMarksIdle() {
        WatermarkGenerator<FrameEnvelope> generator = generator(FrameWatermarks.strategy(LAG, Duration.ZERO));
        RecordingOutput output = new RecordingOutput();
        generator.onEvent(envelope(frameCapturedAt(10_000), 0), 10_000, output);

        for (int i = 0; i < 4; i++) {
            generator.onPeriodicEmit(output);
            clock.advanceTime(Duration.ofHours(1));
        }

        assertThat(output.idle).isFalse();
    }

    @Test
    void rejectsNegativeDurations() {
        assertThatThrownBy(() -> FrameWatermarks.strategy(Duration.ofMillis(-1), IDLENESS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameWatermarks.strategy(LAG, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static TimestampAssigner<FrameEnvelope> assigner(WatermarkStrategy<FrameEnvelope> strategy) {
        return strategy.createTimestampAssigner(new TimestampAssignerSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }
        });
    }

    private WatermarkGenerator<FrameEnvelope> generator(WatermarkStrategy<FrameEnvelope> strategy) {
        return strategy.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        });
    }

    private static Frame frameCapturedAt(long millis) {
        return Frame.newBuilder()
                .setStreamId("cam-1")
                .setSequence(0)
                .setCaptureTime(Instant.ofEpochMilli(millis))
                .setEncoding(FrameEncoding.JPEG)
                .setWidth(0)
                .setHeight(0)
                .setPayload(ByteBuffer.wrap(new byte[] {1}))
                .setAttributes(Map.of())
                .build();
    }

    private static FrameEnvelope envelope(Frame frame, long kafkaTimestamp) {
        return FrameEnvelope.newBuilder()
                .setSourceTopic("frames")
                .setSourcePartition(0)
                .setSourceOffset(0)
                .setKafkaKey("cam-1")
                .setKafkaTimestamp(kafkaTimestamp)
                .setFrame(frame)
                .setRawBytes(frame == null ? ByteBuffer.wrap(new byte[] {9}) : null)
                .setError(frame == null ? "not a frame" : null)
                .build();
    }

    /** Remembers the watermarks emitted and whether the output was last marked idle. */
    private static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
