package io.flinkvision.core.testing;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.pipeline.FrameResult;
import io.flinkvision.core.pipeline.FrameTranslator;
import io.flinkvision.core.pipeline.PreparedSample;
import io.flinkvision.core.runtime.Tensor;

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

    /** The input and output names of the fakes. */
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    /** A translator's prepare step as a lambda. */
    @FunctionalInterface
    public interface Preparer {
        PreparedSample prepare(Frame frame) throws FrameRejectedException;
    }

    /** A translator's decode step for one float output row, as a lambda. */
    @FunctionalInterface
    public interface RowClassifier {
        List<Classification> classify(float[] row);
    }

    /** A translator of the two steps: {@link #OUTPUT}'s values to top-k. */
    public static FrameTranslator translator(Preparer preparer, RowClassifier classifier) {
        return new FrameTranslator() {
            @Override
            public PreparedSample prepare(Frame frame) throws FrameRejectedException {
                return preparer.prepare(frame);
            }

            @Override
            public FrameResult decode(PreparedSample sample, Map<String, Tensor> outputs) {
                return FrameResult.classified(classifier.classify(outputs.get(OUTPUT).floats()));
            }
        };
    }

    /** {@link #sequenceSample} and {@link #classifyFirstValue}: class i for frame i. */
    public static FrameTranslator sequenceTranslator() {
        return translator(Frames::sequenceSample, Frames::classifyFirstValue);
    }

    /** A one-value sample of the given values. */
    public static PreparedSample sample(float value, int width, int height, long micros) {
        return new PreparedSample(Map.of(INPUT, Tensor.ofFloats(new long[] {1}, new float[] {value})), width, height,
                micros);
    }

    /** A preparer whose one-value sample is the frame's sequence, sized 640x480, 42 µs. */
    public static PreparedSample sequenceSample(Frame frame) {
        return sample(frame.getSequence(), 640, 480, 42);
    }

    /** A classifier naming the class after the first output value. */
    public static List<Classification> classifyFirstValue(float[] row) {
        int index = (int) row[0];
        return List.of(new Classification(index, "class-" + index, 0.9f));
    }
}
