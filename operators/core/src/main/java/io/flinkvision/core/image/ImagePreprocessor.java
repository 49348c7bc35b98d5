package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.ResizeFilter;

/**
 * Turns an {@link RgbImage} into one model input sample as {@link PreprocessSpec} says (resize with
 * PIL-style antialiased bilinear or OpenCV-style {@code INTER_LINEAR}; center crop, stretch or
 * letterbox; channel order, layout, normalisation) and says where the image landed
 * ({@link ImagePlacement}), so that boxes can be mapped back. Thread-safe: its state is immutable
 * after construction, and the resample coefficients it shares with other instances are immutable too.
 *
 * <p>With the PIL filter the pixels equal Pillow's {@code resize(..., BILINEAR)} followed by the
 * center crop, bit for bit (see {@link PilBilinearResizer}); the values equal torchvision's float32
 * normalisation. With the OpenCV filter they follow {@link OpenCvLinearResizer}.
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

    /**
     * Writes one sample into {@code dst[offset .. offset + sampleLength)}.
     *
     * @return where the image landed in the input, to map boxes back to the frame
     */
    public ImagePlacement preprocessInto(RgbImage image, float[] dst, int offset) {
        if (offset < 0 || dst.length - offset < spec.sampleLength()) {
            throw new IllegalArgumentException("destination holds " + dst.length + " values, need "
                    + spec.sampleLength() + " from offset " + offset);
        }
        ResizeGeometry g = ResizeGeometry.of(spec, image.width(), image.height());
        if (g.padded(spec)) {
            writer.fillPadding(dst, offset);
        }
        resize(image, g, (y, rgb) -> writer.writeRow(g.placeY() + y, g.placeX(), rgb, g.cropWidth(), dst, offset));
        return g.placement(image.width(), image.height());
    }

    /**
     * Writes one uint8 sample (pixel values, no normalisation) into {@code dst[offset .. offset +
     * sampleLength)}, for models whose input is uint8: no float on the way.
     *
     * @throws IllegalStateException when the spec's input is not uint8
     */
    public ImagePlacement preprocessInto(RgbImage image, byte[] dst, int offset) {
        if (spec.elementType() != InputElementType.UINT8) {
            throw new IllegalStateException("the model input is " + spec.elementType() + ", not UINT8: use the float[] form");
        }
        if (offset < 0 || dst.length - offset < spec.sampleLength()) {
            throw new IllegalArgumentException("destination holds " + dst.length + " values, need "
                    + spec.sampleLength() + " from offset " + offset);
        }
        ResizeGeometry g = ResizeGeometry.of(spec, image.width(), image.height());
        if (g.padded(spec)) {
            writer.fillPadding(dst, offset);
        }
        resize(image, g, (y, rgb) -> writer.writeRow(g.placeY() + y, g.placeX(), rgb, g.cropWidth(), dst, offset));
        return g.placement(image.width(), image.height());
    }

    private void resize(RgbImage image, ResizeGeometry g, RowSink sink) {
        if (spec.resizeFilter() == ResizeFilter.OPENCV_LINEAR) {
            OpenCvLinearResizer.resizeAndCrop(image, g, sink);
        } else {
            PilBilinearResizer.resizeAndCrop(image, g, sink);
        }
    }

    /**
     * Refuses, before decoding, a frame whose resize on the way to the model input would be larger
     * than {@code maxResizedSide} on either side (coefficients and rows grow with it): a center crop
     * of a 65535x1 frame resizes it to 14 million columns.
     *
     * @throws FrameRejectedException DECODE_BUDGET_EXCEEDED
     */
    public void checkResizeBudget(int imageWidth, int imageHeight, int maxResizedSide) throws FrameRejectedException {
        ResizeGeometry g = ResizeGeometry.of(spec, imageWidth, imageHeight);
        if (g.resizedWidth() > maxResizedSide || g.resizedHeight() > maxResizedSide) {
            throw new FrameRejectedException(ReasonCode.DECODE_BUDGET_EXCEEDED, "a " + imageWidth + "x" + imageHeight
                    + " frame would be resized to " + g.resizedWidth() + "x" + g.resizedHeight()
                    + " on its way to the model input; the limit is " + maxResizedSide + " pixels a side");
        }
    }

    /** Where an image of this size lands in the input, without preprocessing it. */
    public ImagePlacement placement(int imageWidth, int imageHeight) {
        return ResizeGeometry.of(spec, imageWidth, imageHeight).placement(imageWidth, imageHeight);
    }
}
