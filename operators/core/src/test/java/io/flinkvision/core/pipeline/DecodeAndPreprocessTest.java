package io.flinkvision.core.pipeline;

import io.flinkvision.core.testing.Frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.ChannelOrder;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.PixelRange;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.ResizeFilter;
import io.flinkvision.core.model.ResizeMode;
import io.flinkvision.core.model.TensorLayout;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How {@link DecodeAndPreprocess} feeds the decoder and maps its failures, with stand-in steps. */
class DecodeAndPreprocessTest {

    /** 2x2 straight resize, raw pixel values: a flat grey picture stays its grey. */
    private static PreprocessSpec flat(InputElementType type) {
        return new PreprocessSpec(2, 2, 0, TensorLayout.NCHW, ChannelOrder.RGB, type, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, ResizeMode.STRETCH, ResizeFilter.PIL_BILINEAR, PixelRange.RAW, 0f);
    }

    private static RgbImage grey(int width, int height, int value) {
        byte[] px = new byte[width * height * 3];
        java.util.Arrays.fill(px, (byte) value);
        return new RgbImage(width, height, px);
    }

    @Test
    void decodesThePayloadBytesAndReportsTheDecodedSize() throws Exception {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        RgbImage image = grey(3, 2, 7);
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> {
            seen.set(payload);
            return image;
        }, flat(InputElementType.FLOAT32), "images", false);
        Frame frame = Frames.frame(5);
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {7, 8, 9, 10});
        payload.position(1);
        frame.setPayload(payload);

        PreparedSample sample = preparer.prepare(frame);

        assertThat(seen.get()).containsExactly(8, 9, 10);
        assertThat(payload.position()).as("the frame's buffer is left as it was").isEqualTo(1);
        Tensor input = sample.inputs().get("images");
        assertThat(input.type()).isEqualTo(Tensor.ElementType.FLOAT32);
        assertThat(input.shape()).containsExactly(3, 2, 2);
        assertThat(input.floats()).containsOnly(7f).hasSize(12);
        assertThat(sample.width()).isEqualTo(3);
        assertThat(sample.height()).isEqualTo(2);
        assertThat(sample.placement()).isEqualTo(new ImagePlacement(3, 2, 2.0 / 3, 1.0, 0, 0));
        assertThat(sample.image()).as("not kept unless asked").isNull();
        assertThat(sample.preprocessMicros()).isNotNegative();
    }

    @Test
    void aUint8ModelGetsBytesAndTheImageIsKeptWhenAsked() throws Exception {
        RgbImage image = grey(4, 4, 200);
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> image,
                flat(InputElementType.UINT8), "images", true);

        PreparedSample sample = preparer.prepare(Frames.frame(1));

        Tensor input = sample.inputs().get("images");
        assertThat(input.type()).isEqualTo(Tensor.ElementType.UINT8);
        assertThat(input.uint8()).containsOnly((byte) 200).hasSize(12);
        assertThat(sample.image()).isSameAs(image);
    }

    @Test
    void passesTheDecodersRejectionOn() {
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> {
            throw new FrameRejectedException(ReasonCode.UNSUPPORTED_ENCODING, "GIF is not supported");
        }, flat(InputElementType.FLOAT32), "images", false);

        assertThatThrownBy(() -> preparer.prepare(Frames.frame(1)))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.UNSUPPORTED_ENCODING))
                .hasMessage("GIF is not supported");
    }

    @Test
    void anUncheckedDecoderFailureIsACorruptImage() {
        DecodeAndPreprocess preparer = new DecodeAndPreprocess((encoding, w, h, payload) -> {
            throw new ArrayIndexOutOfBoundsException("Huffman table 5");
        }, flat(InputElementType.FLOAT32), "images", false);
        Frame frame = Frames.frame(1);
        frame.setEncoding(FrameEncoding.PNG);

        assertThatThrownBy(() -> preparer.prepare(frame))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.CORRUPT_IMAGE))
                .hasMessageContaining("PNG")
                .hasMessageContaining("Huffman table 5");
    }
}
