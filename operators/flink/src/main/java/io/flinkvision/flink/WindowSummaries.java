package io.flinkvision.flink;

import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * Per stream, per event-time tumbling window: frames labelled and dead-lettered, top-1 labels and
 * latency percentiles. Event time is the record timestamp of the outcome, which the async inference
 * operator carries over from its input: the frame's capture time (see {@link FrameWatermarks}).
 *
 * <p><b>Upsert semantics.</b> A window fires when the watermark passes its end. With an allowed
 * lateness above zero, each outcome that arrives later (but within the lateness) fires the window
 * again, emitting an updated summary for the same (streamId, windowStart) that replaces the earlier
 * one: consumers must keep the latest summary per (streamId, windowStart), not add them up.
 * Outcomes later than that are not dropped silently: they go to {@link #LATE_OUTCOMES}.
 */
public final class WindowSummaries {
    public static final String UID = "window-summaries";
    public static final AvroTypeInfo<WindowSummary> SUMMARY_TYPE = new AvroTypeInfo<>(WindowSummary.class);
    public static final OutputTag<FrameOutcome> LATE_OUTCOMES =
            new OutputTag<>("late-outcomes", new AvroTypeInfo<>(FrameOutcome.class));

    private WindowSummaries() {}

    /**
     * @param size of the tumbling windows, positive
     * @param allowedLateness how long after a window's end late outcomes still update it, not negative
     * @return the summaries; {@code getSideOutput(LATE_OUTCOMES)} on it gives the too-late outcomes
     */
    public static SingleOutputStreamOperator<WindowSummary> apply(
            DataStream<FrameOutcome> outcomes, Duration size, Duration allowedLateness) {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("window size must be positive: " + size);
        }
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
        }
        return outcomes
                .keyBy(new OutcomeStreamKey(), Types.STRING)
                .window(TumblingEventTimeWindows.of(size))
                .allowedLateness(allowedLateness)
                .sideOutputLateData(LATE_OUTCOMES)
                .aggregate(new OutcomeCountsAggregate(), new WindowSummaryEmitter(),
                        OutcomeCountsAggregate.ACCUMULATOR_TYPE, OutcomeCountsAggregate.ACCUMULATOR_TYPE,
                        SUMMARY_TYPE)
                .uid(UID)
                .name("window summaries");
    }
}
