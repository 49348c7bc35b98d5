package io.flinkvision.core.outcome;

import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.testing.Frames;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which identity, time and bytes {@link DeadLetters} puts into a dead letter, for records and malformed outcomes. */
class DeadLettersTest {
    private static final Instant FAILED = Instant.parse("2025-05-05T00:00:00Z");
    private static final Instant MALFORMED_EVENT = Instant.ofEpochMilli(5_000);

    @Test
    void aFrameGivesItsIdentityCaptureTimeAndEncodedBytes() throws IOException {
        DeadLetter dead = DeadLetters.of(Frames.envelope(4), ReasonCode.SIZE_MISMATCH, "3 bytes for 2x2", FAILED);

        assertThat(dead.getStreamId()).isEqualTo("cam-0");
        assertThat(dead.getSequence()).isEqualTo(4L);
        assertThat(dead.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_004));
        assertThat(dead.getReason()).isEqualTo(ReasonCode.SIZE_MISMATCH);
        assertThat(dead.getMessage()).isEqualTo("3 bytes for 2x2");
        assertThat(dead.getSourceOffset()).isEqualTo(104);
        assertThat(dead.getFailedTime()).isEqualTo(FAILED);
        assertThat(AvroCodec.of(Frame.class).decode(bytes(dead.getOriginalBytes()))).isEqualTo(Frames.frame(4));
        assertThat(dead.getOriginalSize()).isEqualTo(AvroCodec.of(Frame.class).encode(Frames.frame(4)).length);
        assertThat(dead.getTruncated()).isFalse();
    }

    @Test
    void aValueThatIsNotAFrameFallsBackToTheKafkaKeyAndTimestamp() {
        DeadLetter keyed = DeadLetters.of(Frames.notAFrame(3, "cam-7", new byte[] {5}), ReasonCode.NOT_A_FRAME, "x", FAILED);
        assertThat(keyed.getStreamId()).isEqualTo("cam-7");
        assertThat(keyed.getSequence()).isNull();
        assertThat(keyed.getEventTime()).isEqualTo(Instant.ofEpochMilli(7_003));
        assertThat(bytes(keyed.getOriginalBytes())).containsExactly(5);

        DeadLetter unkeyed = DeadLetters.of(Frames.notAFrame(3, null, new byte[0]), null, null, FAILED);
        assertThat(unkeyed.getStreamId()).isNull();
        assertThat(unkeyed.getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(unkeyed.getMessage()).isNotBlank();
        assertThat(bytes(unkeyed.getOriginalBytes())).isEmpty();
    }

    @Test
    void theOriginalBytesAreACopyThatStartsWhereTheValueStarts() {
        ByteBuffer raw = ByteBuffer.wrap(new byte[] {0, 1, 2, 3});
        raw.position(1);
        FrameEnvelope envelope = Frames.notAFrame(1, "k", new byte[0]);
        envelope.setRawBytes(raw);

        ByteBuffer copied = DeadLetters.of(envelope, ReasonCode.NOT_A_FRAME, "x", FAILED).getOriginalBytes();
        raw.put(2, (byte) 9);

        assertThat(bytes(copied)).containsExactly(1, 2, 3);
        assertThat(raw.position()).isEqualTo(1);
    }

    @Test
    void describeNamesTheFailureAndItsRootCause() {
        Exception failure = new InferenceException("run failed", new IllegalStateException("no GPU memory"));
        assertThat(DeadLetters.describe(failure))
                .isEqualTo("InferenceException: run failed (caused by IllegalStateException: no GPU memory)");
        assertThat(DeadLetters.describe(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void anEmptyMalformedOutcomeBecomesAnUnknownDeadLetterAtItsEventTime() {
        DeadLetter dead = DeadLetters.forMalformed(new FrameOutcome(null, null), MALFORMED_EVENT, FAILED);

        assertThat(dead.getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(dead.getEventTime()).isEqualTo(MALFORMED_EVENT);
        assertThat(dead.getFailedTime()).isEqualTo(FAILED);
        assertThat(dead.getSourcePartition()).isEqualTo(-1);
        assertThat(dead.getSourceOffset()).isEqualTo(-1L);
        assertThat(dead.getStreamId()).isNull();
        assertThat(dead.getOriginalBytes().remaining()).isZero();
        assertThat(dead.getMessage()).contains("neither");
    }

    @Test
    void aMalformedOutcomeWithBothKeepsTheDeadLettersRecordButSaysUnknown() {
        DeadLetter original = deadLetter(null, 7_000, ReasonCode.CORRUPT_IMAGE);
        FrameOutcome both = new FrameOutcome(labelled("cam-9", 7_000, 3, "cat", 0.5f), original);

        DeadLetter dead = DeadLetters.forMalformed(both, MALFORMED_EVENT, FAILED);

        assertThat(dead.getReason()).isEqualTo(ReasonCode.UNKNOWN);
        assertThat(dead.getMessage()).contains("both").contains("CORRUPT_IMAGE");
        assertThat(dead.getSourceTopic()).isEqualTo(original.getSourceTopic());
        assertThat(dead.getSourcePartition()).isEqualTo(original.getSourcePartition());
        assertThat(dead.getSourceOffset()).isEqualTo(original.getSourceOffset());
        assertThat(dead.getOriginalBytes()).isEqualTo(original.getOriginalBytes());
        assertThat(dead.getEventTime()).isEqualTo(original.getEventTime());
        // The stream id agrees with the window key (labelled first), so both count the same stream.
        assertThat(dead.getStreamId()).isEqualTo("cam-9").isEqualTo(FrameOutcomes.streamId(both));
        assertThat(dead.getFailedTime()).isEqualTo(FAILED);
    }

    @Test
    void refusesToTreatAWellFormedOutcomeAsMalformed() {
        assertThatThrownBy(() -> DeadLetters.forMalformed(
                outcome(labelled("a", 1, 1, "cat", 0.5f)), MALFORMED_EVENT, FAILED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
    @Test
    void aDeadLetterOverItsBudgetKeepsAPrefixAndSaysItWasTruncated() throws IOException {
        byte[] value = new byte[10_000];
        new java.util.Random(3).nextBytes(value);
        DeadLetter full = DeadLetters.of(Frames.notAFrame(3, "cam-7", value), ReasonCode.TOO_MANY_PIXELS, "65000x65000", FAILED);
        assertThat(full.getOriginalSize()).isEqualTo(value.length);
        assertThat(full.getTruncated()).isFalse();

        DeadLetter fitted = DeadLetters.withinBudget(full, 1_000);
        assertThat(fitted.getTruncated()).isTrue();
        assertThat(fitted.getOriginalSize()).isEqualTo(value.length);
        assertThat(bytes(fitted.getOriginalBytes())).isEqualTo(java.util.Arrays.copyOf(value, 1_000));
        assertThat(fitted.getSourceTopic()).isEqualTo(full.getSourceTopic());
        assertThat(fitted.getSourcePartition()).isEqualTo(full.getSourcePartition());
        assertThat(fitted.getSourceOffset()).isEqualTo(full.getSourceOffset());
        assertThat(fitted.getReason()).isEqualTo(ReasonCode.TOO_MANY_PIXELS);
        // The budget bounds the encoded record: the original's share plus at most the headroom.
        assertThat(AvroCodec.of(DeadLetter.class).encode(fitted).length).isLessThanOrEqualTo(1_000 + DeadLetters.HEADROOM_BYTES);

        assertThat(DeadLetters.withinBudget(full, value.length)).isSameAs(full);
        assertThat(DeadLetters.withinBudget(full, 0).getOriginalBytes().remaining()).isZero();
        assertThatThrownBy(() -> DeadLetters.withinBudget(full, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHugeMessageAndStreamIdAreCutToTheirCaps() {
        String huge = "\u00e9".repeat(1_000_000);
        DeadLetter full = DeadLetters.of(Frames.notAFrame(3, huge, new byte[] {1}), ReasonCode.NOT_A_FRAME, huge, FAILED);
        DeadLetter fitted = DeadLetters.withinBudget(full, 1_000);
        assertThat(fitted.getMessage()).hasSize(DeadLetters.MAX_MESSAGE_CHARS).endsWith("more characters)");
        assertThat(fitted.getStreamId()).hasSize(DeadLetters.MAX_STREAM_ID_CHARS);
        assertThat(fitted.getTruncated()).isFalse();
        // Even at 2 UTF-8 bytes per char the whole letter stays within the headroom.
        assertThat(AvroCodec.of(DeadLetter.class).encode(fitted).length).isLessThan(DeadLetters.HEADROOM_BYTES);
    }
}
