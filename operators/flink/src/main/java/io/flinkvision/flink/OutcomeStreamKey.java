package io.flinkvision.flink;

import io.flinkvision.core.outcome.FrameOutcomes;
import io.flinkvision.schemas.internal.FrameOutcome;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys an outcome by its stream: labelled stream id, else dead letter stream id, else "unknown". */
public class OutcomeStreamKey implements KeySelector<FrameOutcome, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(FrameOutcome outcome) {
        return FrameOutcomes.streamId(outcome);
    }
}
