package io.flinkvision.flink;

import io.flinkvision.core.windows.WindowAccumulator;
import io.flinkvision.schemas.internal.FrameOutcome;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Incrementally counts a window's outcomes into a {@link WindowAccumulator}, so the window keeps one
 * accumulator per key instead of every outcome. The result is the accumulator itself; {@link
 * WindowSummaryEmitter} turns it into a summary once the window (and so its start and end) is known.
 */
public class OutcomeCountsAggregate implements AggregateFunction<FrameOutcome, WindowAccumulator, WindowAccumulator> {
    private static final long serialVersionUID = 1L;

    /** The accumulator's type, with a serializer of its own (neither Kryo nor POJO). */
    public static final TypeInformation<WindowAccumulator> ACCUMULATOR_TYPE = new WindowAccumulatorTypeInfo();

    @Override
    public WindowAccumulator createAccumulator() {
        return new WindowAccumulator();
    }

    @Override
    public WindowAccumulator add(FrameOutcome outcome, WindowAccumulator accumulator) {
        return accumulator.add(outcome);
    }

    @Override
    public WindowAccumulator getResult(WindowAccumulator accumulator) {
        return accumulator;
    }

    @Override
    public WindowAccumulator merge(WindowAccumulator a, WindowAccumulator b) {
        return a.merge(b);
    }
}
