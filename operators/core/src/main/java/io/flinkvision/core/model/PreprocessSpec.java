package io.flinkvision.core.model;

import java.util.Arrays;

/**
 * How to turn an {@link io.flinkvision.core.image.RgbImage} into one model input sample: the
 * model's eval transform.
 *
 * <p>Resize ({@link ResizeMode}): {@code CENTER_CROP} scales the shorter side to
 * {@code resizeShorterSide} (the longer side {@code round()}ed), then takes a {@code width x height}
 * center crop (offsets {@code floor}ed), as torchvision's {@code Resize(256), CenterCrop(224)};
 * {@code STRETCH} resizes straight to {@code width x height}; the letterbox modes keep the aspect
 * ratio and fill the rest of the input with {@code padValue}. The filter ({@link ResizeFilter}) is
 * PIL-style antialiased bilinear or OpenCV-style {@code INTER_LINEAR}.
 *
 * <p>Normalisation (FLOAT32 input): {@code value = (pixel/255 - mean[c]) / std[c]} per channel
 * ({@link PixelRange#UNIT}), or {@code (pixel - mean[c]) / std[c]} ({@link PixelRange#RAW}), in the
 * model's channel order. ImageNet: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225);
 * {@code [-1,1]}: mean 0.5, std 0.5; {@code (x-127)/128}: mean 127/255, std 128/255; YOLOX: RAW with
 * mean 0, std 1. UINT8 input ignores mean/std and writes raw pixels.
 *
 * <p>{@code padValue} is written as it is into every padded element of every channel: it is a value
 * of the tensor, after normalisation (YOLOX: 114, a grey pixel in RAW range; EfficientDet: 0, the
 * mean), so that one number states both conventions exactly.
 */
public record PreprocessSpec(
        int width,
        int height,
        int resizeShorterSide,
        TensorLayout layout,
        ChannelOrder channelOrder,
        InputElementType elementType,
        float[] mean,
        float[] std,
        ResizeMode resizeMode,
        ResizeFilter resizeFilter,
        PixelRange pixelRange,
        float padValue) {

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public PreprocessSpec {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("model input size must be positive, got " + width + "x" + height);
        }
        if (resizeShorterSide < 0) {
            throw new IllegalArgumentException("resizeShorterSide must be >= 0 (0 = resize straight to the input size)");
        }
        if (resizeMode == null || resizeFilter == null || pixelRange == null || layout == null
                || channelOrder == null || elementType == null) {
            throw new IllegalArgumentException("resize mode, resize filter, pixel range, layout, channel order and"
                    + " element type are all required");
        }
        if (resizeMode == ResizeMode.CENTER_CROP && resizeShorterSide == 0) {
            throw new IllegalArgumentException("CENTER_CROP needs the shorter side to resize to (--resize-shorter-side),"
                    + " at least " + Math.max(width, height));
        }
        if (resizeMode != ResizeMode.CENTER_CROP && resizeShorterSide != 0) {
            throw new IllegalArgumentException("resizeShorterSide " + resizeShorterSide + " only applies to CENTER_CROP,"
                    + " not " + resizeMode + ": drop --resize-shorter-side or use --resize-mode CENTER_CROP");
        }
        if (!Float.isFinite(padValue)) {
            throw new IllegalArgumentException("pad value must be a finite number, got " + padValue + " (--pad-value)");
        }
        if (elementType == InputElementType.UINT8 && (padValue < 0 || padValue > 255 || padValue != Math.rint(padValue))) {
            throw new IllegalArgumentException("a uint8 input can only be padded with a whole number 0..255, got "
                    + padValue + " (--pad-value)");
        }
        if (resizeShorterSide > 0 && resizeShorterSide < Math.max(width, height)) {
            throw new IllegalArgumentException(
                    "resizeShorterSide " + resizeShorterSide + " is smaller than the crop " + width + "x" + height
                            + ": use at least " + Math.max(width, height) + ", or 0 to resize straight");
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need exactly 3 values (one per channel)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be > 0, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The classification transform as before detection existed: center crop when
     * {@code resizeShorterSide > 0}, else straight; PIL bilinear; pixels in [0, 1].
     */
    public PreprocessSpec(int width, int height, int resizeShorterSide, TensorLayout layout, ChannelOrder channelOrder,
            InputElementType elementType, float[] mean, float[] std) {
        this(width, height, resizeShorterSide, layout, channelOrder, elementType, mean, std,
                resizeShorterSide > 0 ? ResizeMode.CENTER_CROP : ResizeMode.STRETCH, ResizeFilter.PIL_BILINEAR,
                PixelRange.UNIT, 0f);
    }

    /** The torchvision ImageNet eval transform for a square input: resize shorter side, center crop. */
    public static PreprocessSpec imagenet(int size, int resizeShorterSide) {
        return new PreprocessSpec(size, size, resizeShorterSide, TensorLayout.NCHW, ChannelOrder.RGB,
                InputElementType.FLOAT32, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** Number of values of one sample: 3 * width * height. */
    public int sampleLength() {
        return 3 * width * height;
    }

    /** Shape of one sample without the batch dimension, in the model's layout. */
    public long[] sampleShape() {
        return layout == TensorLayout.NCHW
                ? new long[] {3, height, width}
                : new long[] {height, width, 3};
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }
}
