package io.flinkvision.core.pipeline;

import io.flinkvision.core.testing.Frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How {@link DecodeAndPreprocess} feeds the decoder and maps its failures, with stand-in steps. */
class DecodeAndPreprocessTest {

    @Test
    void decodesThePayloadBytesAndReportsTheDecodedSize() throws Exception {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> {
            seen.set(payload);
            return new RgbImage(3, 2, new byte[18]);
        }, image -> new float[] {image.width(), image.height()});
        Frame frame = Frames.frame(5);
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {7, 8, 9, 10});
        payload.position(1);
        frame.setPayload(payload);

        PreparedSample sample = preparer.prepare(frame);

        assertThat(seen.get()).containsExactly(8, 9, 10);
        assertThat(payload.position()).as("the frame's buffer is left as it was").isEqualTo(1);
        assertThat(sample.sample()).containsExactly(3f, 2f);
        assertThat(sample.width()).isEqualTo(3);
        assertThat(sample.height()).isEqualTo(2);
        assertThat(sample.preprocessMicros()).isNotNegative();
    }

    @Test
    void passesTheDecodersRejectionOn() {
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> {
            throw new FrameRejectedException(ReasonCode.UNSUPPORTED_ENCODING, "GIF is not supported");
        }, image -> new float[0]);

        assertThatThrownBy(() -> preparer.prepare(Frames.frame(1)))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.UNSUPPORTED_ENCODING))
                .hasMessage("GIF is not supported");
    }

    @Test
    void anUncheckedDecoderFailureIsACorruptImage() {
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> {
            throw new ArrayIndexOutOfBoundsException("Huffman table 5");
        }, image -> new float[0]);
        Frame frame = Frames.frame(1);
        frame.setEncoding(FrameEncoding.PNG);

        assertThatThrownBy(() -> preparer.prepare(frame))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.CORRUPT_IMAGE))
                .hasMessageContaining("PNG")
                .hasMessageContaining("Huffman table 5");
    }
}
