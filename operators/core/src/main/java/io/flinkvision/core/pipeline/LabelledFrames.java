package io.flinkvision.core.pipeline;


import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameTimings;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ModelIdentity;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Instant;
import java.util.ArrayList;

/** Builds the labelled outcome of a frame that went through the model. */
final class LabelledFrames {
    private LabelledFrames() {}

    static FrameOutcome outcome(PendingFrame pending, ModelIdentity model, FrameResult result,
            long batchStartNanos, long inferenceNanos, int batchSize, Instant labelledTime) {
        FrameEnvelope envelope = pending.envelope();
        Frame frame = envelope.getFrame();
        PreparedSample sample = pending.sample();
        FrameTimings timings = FrameTimings.newBuilder()
                .setQueueWaitMicros(Math.max(0, batchStartNanos - pending.arrivalNanos()) / 1_000)
                .setPreprocessMicros(sample.preprocessMicros())
                .setInferenceMicros(inferenceNanos / 1_000)
                .setBatchSize(batchSize)
                .build();
        LabelledFrame labelled = LabelledFrame.newBuilder()
                .setStreamId(frame.getStreamId())
                .setSequence(frame.getSequence())
                .setCaptureTime(frame.getCaptureTime())
                .setSourcePartition(envelope.getSourcePartition())
                .setSourceOffset(envelope.getSourceOffset())
                .setWidth(sample.width())
                .setHeight(sample.height())
                // A copy per frame: Avro records are mutable and these ones leave the operator.
                .setModel(ModelIdentity.newBuilder(model).build())
                .setTopK(new ArrayList<>(result.topK()))
                .setDetections(new ArrayList<>(result.detections()))
                .setTimings(timings)
                .setLabelledTime(labelledTime)
                .build();
        return FrameOutcome.newBuilder().setLabelled(labelled).build();
    }
}
