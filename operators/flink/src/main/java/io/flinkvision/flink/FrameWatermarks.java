package io.flinkvision.flink;

import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the frames source: a frame's capture time, or for a record that is not a frame
 * (it will become a dead letter) its Kafka timestamp, so that it still lands in a window near its
 * neighbours. While a split carries frames, only frames move its watermark ({@link CaptureTimeWatermarks}).
 */
public final class FrameWatermarks {
    private FrameWatermarks() {}

    /**
     * Watermarks that trail the largest capture time seen by {@code maxOutOfOrderness}; a source split
     * silent for {@code idleness} is marked idle so it stops holding the watermark back.
     *
     * @param idleness {@link Duration#ZERO} turns idleness detection off
     */
    public static WatermarkStrategy<FrameEnvelope> strategy(Duration maxOutOfOrderness, Duration idleness) {
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("maxOutOfOrderness must not be negative: " + maxOutOfOrderness);
        }
        if (idleness.isNegative()) {
            throw new IllegalArgumentException("idleness must not be negative: " + idleness);
        }
        long lagMillis = maxOutOfOrderness.toMillis();
        WatermarkStrategy<FrameEnvelope> strategy = WatermarkStrategy
                .<FrameEnvelope>forGenerator(context -> new CaptureTimeWatermarks(lagMillis, idleness.toMillis(),
                        context.getInputActivityClock()))
                .withTimestampAssigner((envelope, kafkaTimestamp) -> eventTime(envelope));
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }

    /**
     * The frame's capture time in epoch ms, else the envelope's Kafka timestamp (which Kafka sets to
     * -1 for records written without one: such a record falls into a long-closed window and is
     * counted as late by the window summaries).
     */
    public static long eventTime(FrameEnvelope envelope) {
        Frame frame = envelope.getFrame();
        return frame != null ? frame.getCaptureTime().toEpochMilli() : envelope.getKafkaTimestamp();
    }
}
