package io.flinkvision.flink;

import io.flinkvision.core.windows.WindowAccumulator;
import io.flinkvision.core.windows.WindowSummaryBuilder;
import io.flinkvision.schemas.WindowSummary;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits a window's summary from its pre-aggregated accumulator, adding what only the window knows:
 * the stream (the key), window start (inclusive) and end (exclusive).
 */
public class WindowSummaryEmitter
        extends ProcessWindowFunction<WindowAccumulator, WindowSummary, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String streamId, Context context, Iterable<WindowAccumulator> accumulators,
                        Collector<WindowSummary> out) {
        TimeWindow window = context.window();
        // With an AggregateFunction in front, there is exactly one element: the accumulator.
        for (WindowAccumulator accumulator : accumulators) {
            out.collect(WindowSummaryBuilder.build(streamId, Instant.ofEpochMilli(window.getStart()),
                    Instant.ofEpochMilli(window.getEnd()), accumulator));
        }
    }
}
