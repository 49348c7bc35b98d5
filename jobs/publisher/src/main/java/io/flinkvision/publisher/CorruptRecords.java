package io.flinkvision.publisher;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Records the job must turn into dead letters, injected among real frames to show that path: in
 * turn a Frame whose JPEG payload is garbage (CORRUPT_IMAGE), bytes that are not an Avro Frame
 * (NOT_A_FRAME) and a Frame with no payload (EMPTY_PAYLOAD).
 */
final class CorruptRecords {
    static final String ATTRIBUTE = "injected";

    private static final byte[] GARBAGE = "this is not a JPEG image, injected by the frame publisher"
            .getBytes(StandardCharsets.UTF_8);
    /** 0x01 reads as a negative string length, so Avro can never take these bytes for a Frame. */
    private static final byte[] NOT_A_FRAME = ("\u0001not an Avro Frame, injected by the frame publisher")
            .getBytes(StandardCharsets.UTF_8);

    private CorruptRecords() {}

    /** The record value of the {@code index}-th corrupt record of a stream. */
    static byte[] value(long index, String streamId, long sequence, long captureMillis, AvroCodec<Frame> codec) {
        return switch ((int) (index % 3)) {
            case 0 -> codec.encode(frame(streamId, sequence, captureMillis, GARBAGE, "corrupt-payload"));
            case 1 -> NOT_A_FRAME.clone();
            default -> codec.encode(frame(streamId, sequence, captureMillis, new byte[0], "empty-payload"));
        };
    }

    private static Frame frame(String streamId, long sequence, long captureMillis, byte[] payload, String kind) {
        return Frame.newBuilder()
                .setStreamId(streamId)
                .setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis))
                .setEncoding(FrameEncoding.JPEG)
                .setWidth(0)
                .setHeight(0)
                .setPayload(ByteBuffer.wrap(payload))
                .setAttributes(Map.of(ATTRIBUTE, kind))
                .build();
    }
}
