package io.flinkvision.core.pipeline;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.DecodeBudget;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The translators' prepare step: {@link ImageDecoder} then {@link ImagePreprocessor}, into the
 * model's image input tensor in its own element type (uint8 images are written as bytes).
 */
public final class DecodeAndPreprocess {
    private final Decoder decoder;
    private final ImagePreprocessor preprocessor;
    private final String inputName;
    private final boolean keepImage;

    /** Decoding step, so that tests can stand in for {@link ImageDecoder}. */
    @FunctionalInterface
    interface Decoder {
        RgbImage decode(FrameEncoding encoding, int declaredWidth, int declaredHeight, byte[] payload)
                throws FrameRejectedException;
    }

    /** @param keepImage keep the decoded frame in the sample, for translators that crop from it later */
    public DecodeAndPreprocess(ModelSpec spec, long maxPixels, boolean keepImage) {
        this(spec, DecodeBudget.ofPixels(maxPixels), keepImage);
    }

    /**
     * @param budget the pixel, aspect-ratio and resize limits; the resize limit is checked against this
     *     spec's own resize before decoding
     */
    public DecodeAndPreprocess(ModelSpec spec, DecodeBudget budget, boolean keepImage) {
        this(budgetedDecoder(spec.preprocess(), budget), spec.preprocess(), spec.inputName(), keepImage);
    }

    private static Decoder budgetedDecoder(PreprocessSpec spec, DecodeBudget budget) {
        ImagePreprocessor resize = new ImagePreprocessor(spec);
        return new ImageDecoder(budget, (w, h) -> resize.checkResizeBudget(w, h, budget.maxResizedSide()))::decode;
    }

    DecodeAndPreprocess(Decoder decoder, PreprocessSpec spec, String inputName, boolean keepImage) {
        this.decoder = decoder;
        this.preprocessor = new ImagePreprocessor(spec);
        this.inputName = inputName;
        this.keepImage = keepImage;
    }

    /**
     * @throws FrameRejectedException the decoder's rejections as they are; any other decoder failure
     *     as CORRUPT_IMAGE, because image libraries report malformed input with unchecked exceptions
     */
    public PreparedSample prepare(Frame frame) throws FrameRejectedException {
        long start = System.nanoTime();
        RgbImage image;
        try {
            image = decoder.decode(frame.getEncoding(), frame.getWidth(), frame.getHeight(), bytes(frame.getPayload()));
        } catch (RuntimeException e) {
            throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE,
                    "cannot decode the " + frame.getEncoding() + " payload: " + DeadLetters.describe(e), e);
        }
        PreprocessSpec spec = preprocessor.spec();
        long[] shape = spec.sampleShape();
        Tensor input;
        ImagePlacement placement;
        if (spec.elementType() == InputElementType.UINT8) {
            byte[] values = new byte[spec.sampleLength()];
            placement = preprocessor.preprocessInto(image, values, 0);
            input = Tensor.ofUint8(shape, values);
        } else {
            float[] values = new float[spec.sampleLength()];
            placement = preprocessor.preprocessInto(image, values, 0);
            input = Tensor.ofFloats(shape, values);
        }
        return new PreparedSample(Map.of(inputName, input), image.width(), image.height(),
                (System.nanoTime() - start) / 1_000, placement, keepImage ? image : null);
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
