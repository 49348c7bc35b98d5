package io.flinkvision.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Frames-topic records become envelopes; bytes that are not a Frame never throw. */
class FrameEnvelopeDeserializerTest {
    private final FrameEnvelopeDeserializer deserializer = new FrameEnvelopeDeserializer();

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("frames", 3, 42L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void aValidFrameKeepsItsSourcePosition() {
        Frame frame = Frame.newBuilder().setStreamId("cam-7").setSequence(9)
                .setCaptureTime(Instant.ofEpochMilli(123_456)).setEncoding(FrameEncoding.JPEG)
                .setWidth(0).setHeight(0).setPayload(ByteBuffer.wrap(new byte[] {1, 2})).setAttributes(Map.of())
                .build();
        FrameEnvelope envelope = deserializer.toEnvelope(record("cam-7", AvroCodec.of(Frame.class).encode(frame)));

        assertThat(envelope.getFrame()).isEqualTo(frame);
        assertThat(envelope.getSourceTopic()).isEqualTo("frames");
        assertThat(envelope.getSourcePartition()).isEqualTo(3);
        assertThat(envelope.getSourceOffset()).isEqualTo(42L);
        assertThat(envelope.getKafkaKey()).isEqualTo("cam-7");
        assertThat(envelope.getError()).isNull();
    }

    @Test
    void randomBytesBecomeAnEnvelopeWithTheRawBytesAndAnError() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(300)];
            random.nextBytes(garbage);
            FrameEnvelope envelope = deserializer.toEnvelope(record("cam-1", garbage));
            if (envelope.getFrame() != null) {
                continue; // a few random byte strings are, by chance, valid tiny Frames
            }
            assertThat(envelope.getError()).startsWith("record value is not an Avro Frame");
            assertThat(envelope.getRawBytes().array()).isEqualTo(garbage);
            assertThat(envelope.getKafkaKey()).isEqualTo("cam-1");
        }
    }

    @Test
    void anEmptyOrNullValueIsNotAFrame() {
        assertThat(deserializer.toEnvelope(record(null, new byte[0])).getError()).contains("empty");
        assertThat(deserializer.toEnvelope(record(null, null)).getError()).contains("empty");
    }

    @Test
    void textIsNotAFrame() {
        FrameEnvelope envelope = deserializer.toEnvelope(record("k", "hello, world".getBytes(StandardCharsets.UTF_8)));
        assertThat(envelope.getFrame()).isNull();
        assertThat(envelope.getError()).isNotBlank();
    }
}
