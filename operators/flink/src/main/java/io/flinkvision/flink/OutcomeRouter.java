package io.flinkvision.flink;

import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.core.outcome.FrameOutcomes;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Clock;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits outcomes: labelled frames to the main output, dead letters to {@link #DEAD_LETTERS}.
 *
 * <p>An outcome with neither or both set breaks the inference stage's contract. It is not dropped
 * (every input record must end somewhere) nor does it fail the job (one bad record would then
 * restart it forever): it becomes a dead letter with reason UNKNOWN, see {@link
 * DeadLetters#forMalformed}, is logged, and is counted in the {@value #MALFORMED_METRIC}
 * metric so that the bug is visible.
 */
public class OutcomeRouter extends ProcessFunction<FrameOutcome, LabelledFrame> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRouter.class);

    public static final AvroTypeInfo<LabelledFrame> LABELLED_TYPE = new AvroTypeInfo<>(LabelledFrame.class);
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));
    public static final String MALFORMED_METRIC = "malformedOutcomes";

    private final Clock clock;
    private transient Counter malformed;

    public OutcomeRouter() {
        this(Clock.systemUTC());
    }

    /** @param clock stamps the failedTime of dead letters made from malformed outcomes */
    public OutcomeRouter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter(MALFORMED_METRIC);
    }

    @Override
    public void processElement(FrameOutcome outcome, Context ctx, Collector<LabelledFrame> out) {
        switch (FrameOutcomes.kind(outcome)) {
            case LABELLED -> out.collect(outcome.getLabelled());
            case DEAD_LETTER -> ctx.output(DEAD_LETTERS, outcome.getDeadLetter());
            case MALFORMED -> ctx.output(DEAD_LETTERS, malformedToDeadLetter(outcome, ctx));
        }
    }

    private DeadLetter malformedToDeadLetter(FrameOutcome outcome, Context ctx) {
        malformed.inc();
        Instant now = clock.instant();
        // The record's timestamp is the frame's event time (the async stage keeps it); fall back to now.
        Instant eventTime = ctx.timestamp() != null ? Instant.ofEpochMilli(ctx.timestamp()) : now;
        DeadLetter deadLetter = DeadLetters.forMalformed(outcome, eventTime, now);
        LOG.warn("Malformed FrameOutcome (bug in the inference stage), dead-lettered as UNKNOWN: {}",
                deadLetter.getMessage());
        return deadLetter;
    }
}
