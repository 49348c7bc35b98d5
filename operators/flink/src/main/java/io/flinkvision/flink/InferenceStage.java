package io.flinkvision.flink;

import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.concurrent.TimeUnit;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Puts a {@link BatchingInferenceFunction} into a job as an async operator sized for its batches. */
public final class InferenceStage {
    public static final String UID = "inference";
    public static final String NAME = "Inference (batched)";

    private InferenceStage() {}

    /**
     * @param ordered emit outcomes in input order (true) or as they complete (false)
     * @param timeoutMillis a frame not labelled within this becomes an INFERENCE_TIMEOUT dead letter
     * @param capacity frames in flight per operator instance
     */
    public static SingleOutputStreamOperator<FrameOutcome> apply(DataStream<FrameEnvelope> in,
            BatchingInferenceFunction fn, boolean ordered, long timeoutMillis, int capacity) {
        validate(fn.settings(), timeoutMillis, capacity);
        SingleOutputStreamOperator<FrameOutcome> out = ordered
                ? AsyncDataStream.orderedWait(in, fn, timeoutMillis, TimeUnit.MILLISECONDS, capacity)
                : AsyncDataStream.unorderedWait(in, fn, timeoutMillis, TimeUnit.MILLISECONDS, capacity);
        return out.returns(new AvroTypeInfo<>(FrameOutcome.class)).uid(UID).name(NAME);
    }

    static void validate(PipelineSettings settings, long timeoutMillis, int capacity) {
        if (capacity < settings.minFramesInFlight()) {
            throw new IllegalArgumentException("async-capacity " + capacity + " is below batch-size "
                    + settings.maxBatchSize() + " x (batches-in-flight " + settings.batchesInFlight() + " + 1) = "
                    + settings.minFramesInFlight() + ": with fewer frames in flight the batcher can never fill a"
                    + " batch while the others run. Raise async-capacity to at least " + settings.minFramesInFlight()
                    + ", or lower batch-size or batches-in-flight.");
        }
        if (timeoutMillis <= settings.maxWaitMillis()) {
            throw new IllegalArgumentException("async-timeout " + timeoutMillis + " ms must be longer than batch-wait "
                    + settings.maxWaitMillis() + " ms, or frames time out while waiting for their batch to fill.");
        }
    }
}
