package io.flinkvision.operators.functions;

import io.flinkvision.operators.outcome.Outcomes;
import io.flinkvision.schemas.internal.FrameOutcome;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys an outcome by its stream: labelled stream id, else dead letter stream id, else "unknown". */
public class OutcomeStreamKey implements KeySelector<FrameOutcome, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(FrameOutcome outcome) {
        return Outcomes.streamId(outcome);
    }
}
