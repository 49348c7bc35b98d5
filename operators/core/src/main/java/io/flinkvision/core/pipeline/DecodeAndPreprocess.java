package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.nio.ByteBuffer;
import java.util.function.Function;

/** The production {@link SamplePreparer}: {@link ImageDecoder} then {@link ImagePreprocessor}. */
public final class DecodeAndPreprocess implements SamplePreparer {
    private final Decoder decoder;
    private final Function<RgbImage, float[]> preprocessor;

    /** Decoding step, so that tests can stand in for {@link ImageDecoder}. */
    @FunctionalInterface
    interface Decoder {
        RgbImage decode(FrameEncoding encoding, int declaredWidth, int declaredHeight, byte[] payload)
                throws FrameRejectedException;
    }

    public DecodeAndPreprocess(PreprocessSpec spec, long maxPixels) {
        this(new ImageDecoder(maxPixels)::decode, new ImagePreprocessor(spec)::preprocess);
    }

    DecodeAndPreprocess(Decoder decoder, Function<RgbImage, float[]> preprocessor) {
        this.decoder = decoder;
        this.preprocessor = preprocessor;
    }

    /**
     * @throws FrameRejectedException the decoder's rejections as they are; any other decoder failure
     *     as CORRUPT_IMAGE, because image libraries report malformed input with unchecked exceptions
     */
    @Override
    public PreparedSample prepare(Frame frame) throws FrameRejectedException {
        long start = System.nanoTime();
        RgbImage image;
        try {
            image = decoder.decode(frame.getEncoding(), frame.getWidth(), frame.getHeight(), bytes(frame.getPayload()));
        } catch (RuntimeException e) {
            throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE,
                    "cannot decode the " + frame.getEncoding() + " payload: " + DeadLetters.describe(e), e);
        }
        float[] sample = preprocessor.apply(image);
        return new PreparedSample(sample, image.width(), image.height(), (System.nanoTime() - start) / 1_000);
    }

    private static byte[] bytes(ByteBuffer payload) {
        if (payload == null) {
            return new byte[0];
        }
        ByteBuffer view = payload.duplicate(); // reading must not move the frame's own buffer
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
