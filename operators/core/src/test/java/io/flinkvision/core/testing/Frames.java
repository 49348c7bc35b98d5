package io.flinkvision.core.testing;

import io.flinkvision.core.pipeline.PreparedSample;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ModelIdentity;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test inputs and fakes: envelopes whose fields all derive from the sequence number. */
public final class Frames {
    public static final String TOPIC = "frames";
    public static final int PARTITION = 3;
    public static final ModelIdentity MODEL = new ModelIdentity("fake-model", "ab".repeat(32));

    private Frames() {}

    public static Frame frame(long sequence) {
        return Frame.newBuilder()
                .setStreamId("cam-" + (sequence % 2))
                .setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(1_000 + sequence))
                .setEncoding(FrameEncoding.JPEG)
                .setWidth(0)
                .setHeight(0)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, (byte) sequence}))
                .setAttributes(Map.of())
                .build();
    }

    public static FrameEnvelope envelope(long sequence) {
        Frame frame = frame(sequence);
        return FrameEnvelope.newBuilder()
                .setSourceTopic(TOPIC)
                .setSourcePartition(PARTITION)
                .setSourceOffset(100 + sequence)
                .setKafkaKey(frame.getStreamId())
                .setKafkaTimestamp(5_000 + sequence)
                .setFrame(frame)
                .build();
    }

    /** What the deserializer emits for a value that is not a Frame. */
    public static FrameEnvelope notAFrame(long offset, String key, byte[] raw) {
        return FrameEnvelope.newBuilder()
                .setSourceTopic(TOPIC)
                .setSourcePartition(PARTITION)
                .setSourceOffset(offset)
                .setKafkaKey(key)
                .setKafkaTimestamp(7_000 + offset)
                .setRawBytes(ByteBuffer.wrap(raw))
                .setError("not a valid Frame: garbage")
                .build();
    }

    /** A preparer whose one-value sample is the frame's sequence, sized 640x480, 42 µs. */
    public static PreparedSample sequenceSample(Frame frame) {
        return new PreparedSample(new float[] {frame.getSequence()}, 640, 480, 42);
    }

    /** A classifier naming the class after the first output value. */
    public static List<Classification> classifyFirstValue(float[] row) {
        int index = (int) row[0];
        return List.of(new Classification(index, "class-" + index, 0.9f));
    }
}
