package io.flinkvision.core.testing;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.FrameTimings;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ModelIdentity;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** Builds labelled frames, dead letters and outcomes for tests, with only what the tests vary. */
public final class OutcomeFixtures {
    private static final ModelIdentity MODEL = new ModelIdentity("test-model", "0".repeat(64));
    private static final FrameTimings TIMINGS = new FrameTimings(0L, 0L, 0L, 1);

    private OutcomeFixtures() {}

    /** A frame whose top-1 class is {@code label} with {@code score}, labelled {@code latencyMillis} after capture. */
    public static LabelledFrame labelled(String streamId, long captureMillis, long latencyMillis,
                                         String label, float score) {
        return labelled(streamId, captureMillis, latencyMillis, List.of(
                new Classification(1, label, score),
                new Classification(2, "runner-up-" + label, score / 2)));
    }

    /** A detector's frame with one box per entry of {@code labels} (a label twice: two boxes of it). */
    public static LabelledFrame detected(String streamId, long captureMillis, long latencyMillis, String... labels) {
        LabelledFrame frame = labelled(streamId, captureMillis, latencyMillis, List.of());
        List<io.flinkvision.schemas.Detection> boxes = new java.util.ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            boxes.add(io.flinkvision.schemas.Detection.newBuilder().setClassIndex(i).setLabel(labels[i])
                    .setScore(0.5f).setXMin(0).setYMin(0).setXMax(1).setYMax(1).build());
        }
        frame.setDetections(boxes);
        return frame;
    }

    public static LabelledFrame labelled(String streamId, long captureMillis, long latencyMillis,
                                         List<Classification> topK) {
        return LabelledFrame.newBuilder()
                .setStreamId(streamId)
                .setSequence(captureMillis)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis))
                .setSourcePartition(0)
                .setSourceOffset(captureMillis)
                .setWidth(4)
                .setHeight(3)
                .setModel(MODEL)
                .setTopK(topK)
                .setTimings(TIMINGS)
                .setLabelledTime(Instant.ofEpochMilli(captureMillis + latencyMillis))
                .build();
    }

    public static DeadLetter deadLetter(String streamId, long eventMillis, ReasonCode reason) {
        return DeadLetter.newBuilder()
                .setSourceTopic("frames")
                .setSourcePartition(3)
                .setSourceOffset(eventMillis)
                .setStreamId(streamId)
                .setSequence(null)
                .setEventTime(Instant.ofEpochMilli(eventMillis))
                .setReason(reason)
                .setMessage("test dead letter")
                .setOriginalBytes(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setFailedTime(Instant.ofEpochMilli(eventMillis + 1))
                .build();
    }

    public static FrameOutcome outcome(LabelledFrame labelled) {
        return new FrameOutcome(labelled, null);
    }

    public static FrameOutcome outcome(DeadLetter deadLetter) {
        return new FrameOutcome(null, deadLetter);
    }

    /** The event time a record of this outcome carries in the stream (capture time, else dead letter time). */
    public static long eventTime(FrameOutcome outcome) {
        return outcome.getLabelled() != null
                ? outcome.getLabelled().getCaptureTime().toEpochMilli()
                : outcome.getDeadLetter().getEventTime().toEpochMilli();
    }
}
