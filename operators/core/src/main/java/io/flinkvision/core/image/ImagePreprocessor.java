package io.flinkvision.core.image;

import io.flinkvision.core.model.PreprocessSpec;

/**
 * Turns an {@link RgbImage} into one model input sample as {@link PreprocessSpec} says (resize with
 * PIL-style antialiased bilinear, center crop, channel order, layout, normalisation). Thread-safe:
 * its state is immutable after construction, and the resample coefficients it shares with other
 * instances are immutable too.
 *
 * <p>The pixels equal Pillow's {@code resize(..., BILINEAR)} followed by the center crop, bit for
 * bit (see {@link PilBilinearResizer}); the values equal torchvision's float32 normalisation.
 */
public final class ImagePreprocessor {
    private final PreprocessSpec spec;
    private final TensorWriter writer;

    public ImagePreprocessor(PreprocessSpec spec) {
        this.spec = spec;
        this.writer = new TensorWriter(spec);
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
        if (offset < 0 || dst.length - offset < spec.sampleLength()) {
            throw new IllegalArgumentException("destination holds " + dst.length + " values, need "
                    + spec.sampleLength() + " from offset " + offset);
        }
        ResizeGeometry geometry = ResizeGeometry.of(spec, image.width(), image.height());
        PilBilinearResizer.resizeAndCrop(image, geometry, (y, rgb) -> writer.writeRow(y, rgb, dst, offset));
    }
}
