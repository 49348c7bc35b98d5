package io.flinkvision.operators.image;

import io.flinkvision.operators.model.PreprocessSpec;

/**
 * Turns an {@link RgbImage} into one model input sample as {@link PreprocessSpec} says (resize with
 * PIL-style antialiased bilinear, center crop, channel order, layout, normalisation). Thread-safe.
 *
 * <p>STUB: the image helper replaces this body.
 */
public final class ImagePreprocessor {
    private final PreprocessSpec spec;

    public ImagePreprocessor(PreprocessSpec spec) {
        this.spec = spec;
    }

    public PreprocessSpec spec() {
        return spec;
    }

    /** A new array of {@link PreprocessSpec#sampleLength()} values in the model's layout. */
    public float[] preprocess(RgbImage image) {
        float[] out = new float[spec.sampleLength()];
        preprocessInto(image, out, 0);
        return out;
    }

    /** Writes one sample into {@code dst[offset .. offset + sampleLength)}. */
    public void preprocessInto(RgbImage image, float[] dst, int offset) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
