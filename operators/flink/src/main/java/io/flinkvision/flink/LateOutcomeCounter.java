package io.flinkvision.flink;

import io.flinkvision.schemas.internal.FrameOutcome;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts outcomes that arrived after their window closed (metric {@code lateOutcomes}) and emits
 * nothing: the frame itself was already written as a labelled frame or a dead letter; only its
 * window summary missed it.
 */
public final class LateOutcomeCounter extends ProcessFunction<FrameOutcome, Void> {
    private static final long serialVersionUID = 1L;
    private transient Counter late;

    @Override
    public void open(OpenContext context) {
        late = getRuntimeContext().getMetricGroup().counter("lateOutcomes");
    }

    @Override
    public void processElement(FrameOutcome outcome, Context ctx, Collector<Void> out) {
        late.inc();
    }
}
