package io.flinkvision.tests.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.kafka.FrameAdmission;
import io.flinkvision.job.kafka.FrameEnvelopeDeserializer;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what the job does first with every frames-topic record, {@link FrameEnvelopeDeserializer}
 * (single-object Avro through {@code AvroCodec} and the schema history, then the admission checks),
 * with mutations of real frames: Avro-encoded shrunk photos. Each record must become exactly one
 * envelope, either a frame or an error with a reason code; none may take long or allocate more than
 * a small multiple of its own size (AvroCodec bounds every length by the bytes at hand).
 */
class FrameDeserializationFuzzTest {
    private static final int MAX_FRAME_BYTES = 1 << 20;
    private static final long MAX_NANOS_PER_INPUT = TimeUnit.SECONDS.toNanos(2);
    /** The value, the envelope's copy of it, the payload's, and room for Avro's buffers. */
    private static final long BYTES_PER_INPUT_BYTE = 16;
    private static final long FIXED_BYTES = 2L << 20;

    @Test
    void everyRecordEndsAsOneFrameOrOneErrorWithAReason() throws Exception {
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        List<byte[]> seeds = new ArrayList<>();
        long sequence = 0;
        for (FuzzSeeds.Image image : FuzzSeeds.images(64, 6)) {
            Frame frame = Frame.newBuilder().setStreamId("cam-" + sequence % 3).setSequence(sequence++)
                    .setCaptureTime(Instant.now()).setEncoding(image.jpeg() ? FrameEncoding.JPEG : FrameEncoding.PNG)
                    .setWidth(0).setHeight(0).setPayload(ByteBuffer.wrap(image.bytes())).build();
            seeds.add(codec.encode(frame));
        }
        FrameEnvelopeDeserializer deserializer =
                new FrameEnvelopeDeserializer(FrameAdmission.of(MAX_FRAME_BYTES, Duration.ofDays(7), Duration.ofSeconds(10)));
        List<FrameEnvelope> out = new ArrayList<>();
        Collector<FrameEnvelope> collector = new Collector<>() {
            @Override
            public void collect(FrameEnvelope envelope) {
                out.add(envelope);
            }

            @Override
            public void close() {}
        };

        long[] offset = {0};
        MutationalFuzzer fuzzer = new MutationalFuzzer(seeds, MutationalFuzzer.seed(), 2 * MAX_FRAME_BYTES);
        MutationalFuzzer.Report report = fuzzer.run(value -> {
            out.clear();
            deserializer.deserialize(new ConsumerRecord<>("frames", 0, offset[0]++,
                    "cam".getBytes(StandardCharsets.UTF_8), value), collector);
            if (out.size() != 1) {
                throw new AssertionError(out.size() + " envelopes for one record");
            }
            FrameEnvelope envelope = out.get(0);
            if (envelope.getFrame() != null) {
                if (envelope.getError() != null || envelope.getErrorReason() != null) {
                    throw new AssertionError("a frame with an error: " + envelope.getError());
                }
                return "FRAME";
            }
            if (envelope.getError() == null || envelope.getError().isBlank() || envelope.getErrorReason() == null) {
                throw new AssertionError("neither a frame nor an error with a reason");
            }
            return envelope.getErrorReason().name();
        }, MutationalFuzzer.duration(6), MAX_NANOS_PER_INPUT,
                length -> BYTES_PER_INPUT_BYTE * length + FIXED_BYTES, "frame-deserialization");

        System.out.println("FrameDeserializationFuzzTest: " + report);
        assertThat(report.findings()).as(report.toString()).isEmpty();
        assertThat(report.outcomes()).containsKey("FRAME").containsKey("NOT_A_FRAME");
        assertThat(report.inputs()).isGreaterThan(seeds.size());
    }
}
