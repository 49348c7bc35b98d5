package io.flinkvision.core.outcome;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of an input record that could not be labelled. */
public final class DeadLetters {
    private static final AvroCodec<Frame> FRAMES = AvroCodec.of(Frame.class);

    private DeadLetters() {}

    /** A {@link FrameOutcome} holding only the dead letter. */
    public static FrameOutcome outcome(FrameEnvelope envelope, ReasonCode reason, String message, Instant failedTime) {
        return FrameOutcome.newBuilder().setDeadLetter(of(envelope, reason, message, failedTime)).build();
    }

    /**
     * @param message what went wrong, for a human; the reason's name when null
     */
    public static DeadLetter of(FrameEnvelope envelope, ReasonCode reason, String message, Instant failedTime) {
        Frame frame = envelope.getFrame();
        return DeadLetter.newBuilder()
                .setSourceTopic(envelope.getSourceTopic())
                .setSourcePartition(envelope.getSourcePartition())
                .setSourceOffset(envelope.getSourceOffset())
                .setStreamId(frame != null ? frame.getStreamId() : envelope.getKafkaKey())
                .setSequence(frame != null ? frame.getSequence() : null)
                .setEventTime(frame != null ? frame.getCaptureTime() : Instant.ofEpochMilli(envelope.getKafkaTimestamp()))
                .setReason(reason != null ? reason : ReasonCode.UNKNOWN)
                .setMessage(message != null ? message : String.valueOf(reason))
                .setOriginalBytes(originalBytes(envelope))
                .setFailedTime(failedTime)
                .build();
    }

    /** "Type: message", with the root cause when there is one, for dead letter messages and logs. */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(oneLine(failure));
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != failure) {
            text.append(" (caused by ").append(oneLine(root)).append(')');
        }
        return text.toString();
    }

    private static String oneLine(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * The Kafka record value as read: the raw bytes when the value was not a Frame, else the Frame
     * encoded again (Avro binary is deterministic, so these are the bytes that were read). A copy,
     * so that the dead letter does not share a buffer with the input.
     */
    private static ByteBuffer originalBytes(FrameEnvelope envelope) {
        if (envelope.getRawBytes() != null) {
            ByteBuffer raw = envelope.getRawBytes().duplicate();
            byte[] copy = new byte[raw.remaining()];
            raw.get(copy);
            return ByteBuffer.wrap(copy);
        }
        if (envelope.getFrame() != null) {
            return ByteBuffer.wrap(FRAMES.encode(envelope.getFrame()));
        }
        return ByteBuffer.allocate(0);
    }
}
