package io.flinkvision.core.outcome;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The one place that builds {@link DeadLetter}s: of an input record that could not be labelled
 * (whatever the reason, timeouts included), and of a malformed {@link FrameOutcome}.
 */
public final class DeadLetters {
    /** Source topic of a dead letter made from an outcome that said nothing about its record. */
    public static final String UNKNOWN_TOPIC = "";

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
        ByteBuffer original = originalBytes(envelope);
        return DeadLetter.newBuilder()
                .setSourceTopic(envelope.getSourceTopic())
                .setSourcePartition(envelope.getSourcePartition())
                .setSourceOffset(envelope.getSourceOffset())
                .setStreamId(frame != null ? frame.getStreamId() : envelope.getKafkaKey())
                .setSequence(frame != null ? frame.getSequence() : null)
                .setEventTime(frame != null ? frame.getCaptureTime() : Instant.ofEpochMilli(envelope.getKafkaTimestamp()))
                .setReason(reason != null ? reason : ReasonCode.UNKNOWN)
                .setMessage(message != null ? message : String.valueOf(reason))
                .setOriginalBytes(original)
                .setOriginalSize(original.remaining())
                .setFailedTime(failedTime)
                .build();
    }

    /** Longest message a dead letter keeps, in chars (a message built from an exception can be any size). */
    public static final int MAX_MESSAGE_CHARS = 2000;
    /** Longest stream id a dead letter keeps, in chars (it is also the record key). */
    public static final int MAX_STREAM_ID_CHARS = 512;
    /**
     * What a dead letter may take besides its original bytes, with room to spare: the capped message
     * and stream id (at most 4 UTF-8 bytes per char, the stream id twice: value and key), the topic
     * name (at most 249 chars), the other fields, the single-object header and Kafka's record and
     * batch overhead come to under 16 KiB; the rest is headroom.
     */
    public static final int HEADROOM_BYTES = 64 * 1024;

    /**
     * The dead letter made to fit a size budget, so that writing it cannot fail for its size: at most
     * {@code maxOriginalBytes} of the original record value (a prefix, with {@code truncated} set and
     * {@code originalSize} the whole length; the source topic/partition/offset say where the rest is
     * while the topic retains it), the message cut to {@link #MAX_MESSAGE_CHARS} and the stream id to
     * {@link #MAX_STREAM_ID_CHARS}. A record of at most {@code maxOriginalBytes + HEADROOM_BYTES}
     * bytes. Returns {@code deadLetter} itself when it already fits.
     */
    public static DeadLetter withinBudget(DeadLetter deadLetter, int maxOriginalBytes) {
        if (maxOriginalBytes < 0) {
            throw new IllegalArgumentException("maxOriginalBytes must not be negative: " + maxOriginalBytes);
        }
        ByteBuffer original = deadLetter.getOriginalBytes();
        String message = deadLetter.getMessage();
        String streamId = deadLetter.getStreamId();
        boolean bytesFit = original.remaining() <= maxOriginalBytes;
        boolean messageFits = message.length() <= MAX_MESSAGE_CHARS;
        boolean streamIdFits = streamId == null || streamId.length() <= MAX_STREAM_ID_CHARS;
        if (bytesFit && messageFits && streamIdFits) {
            return deadLetter;
        }
        DeadLetter.Builder fitted = DeadLetter.newBuilder(deadLetter);
        if (!bytesFit) {
            ByteBuffer prefix = original.duplicate();
            prefix.limit(prefix.position() + maxOriginalBytes);
            fitted.setOriginalBytes(prefix.slice())
                    .setTruncated(true)
                    .setOriginalSize(deadLetter.getOriginalSize() >= 0 ? deadLetter.getOriginalSize() : original.remaining());
        }
        if (!messageFits) {
            String more = "... (" + (message.length() - MAX_MESSAGE_CHARS) + " more characters)";
            fitted.setMessage(message.substring(0, MAX_MESSAGE_CHARS - more.length()) + more);
        }
        if (!streamIdFits) {
            fitted.setStreamId(streamId.substring(0, MAX_STREAM_ID_CHARS));
        }
        return fitted.build();
    }

    /**
     * The dead letter that stands for a malformed outcome (see {@link FrameOutcomes#kind}).
     *
     * <p>Both set: the dead letter is kept (it carries the source coordinates and original bytes,
     * which a replay needs), its reason becomes UNKNOWN, its stream id the window key's (the
     * labelled frame's first) and its message says what happened. Neither set: nothing is known
     * about the record, so the dead letter has an empty topic, partition and offset -1 and no
     * bytes; {@code eventTime} should be the record's timestamp in the stream.
     *
     * @param eventTime used only when the outcome holds no dead letter
     * @param now when the outcome was found malformed
     * @throws IllegalArgumentException when the outcome is not malformed
     */
    public static DeadLetter forMalformed(FrameOutcome outcome, Instant eventTime, Instant now) {
        LabelledFrame labelled = outcome.getLabelled();
        DeadLetter original = outcome.getDeadLetter();
        if (labelled != null && original != null) {
            return DeadLetter.newBuilder(original)
                    .setStreamId(FrameOutcomes.knownStreamId(outcome))
                    .setReason(ReasonCode.UNKNOWN)
                    .setMessage("malformed FrameOutcome: both labelled and deadLetter set (dead letter was "
                            + original.getReason() + ": " + original.getMessage() + ")")
                    .setFailedTime(now)
                    .build();
        }
        if (labelled != null || original != null) {
            throw new IllegalArgumentException("outcome is not malformed: " + FrameOutcomes.kind(outcome));
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(UNKNOWN_TOPIC)
                .setSourcePartition(-1)
                .setSourceOffset(-1L)
                .setStreamId(null)
                .setSequence(null)
                .setEventTime(eventTime)
                .setReason(ReasonCode.UNKNOWN)
                .setMessage("malformed FrameOutcome: neither labelled nor deadLetter set")
                .setOriginalBytes(ByteBuffer.allocate(0))
                .setOriginalSize(0)
                .setFailedTime(now)
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
