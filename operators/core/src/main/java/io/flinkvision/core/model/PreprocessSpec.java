package io.flinkvision.core.model;

import java.util.Arrays;

/**
 * How to turn an {@link io.flinkvision.core.image.RgbImage} into one model input sample: the
 * model's eval transform.
 *
 * <p>Resize: when {@code resizeShorterSide > 0}, the shorter side is scaled to it (the longer side
 * {@code round()}ed) with PIL-style antialiased bilinear, then a {@code width x height} center crop
 * is taken (offsets {@code floor}ed), as torchvision's {@code Resize(256), CenterCrop(224)}. When
 * {@code resizeShorterSide == 0}, the image is resized straight to {@code width x height}.
 *
 * <p>Normalisation (FLOAT32 input): {@code value = (pixel/255 - mean[c]) / std[c]} per channel, in
 * the model's channel order. ImageNet: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225);
 * {@code [-1,1]}: mean 0.5, std 0.5; {@code (x-127)/128}: mean 127/255, std 128/255. UINT8 input
 * ignores mean/std and writes raw pixels.
 */
public record PreprocessSpec(
        int width,
        int height,
        int resizeShorterSide,
        TensorLayout layout,
        ChannelOrder channelOrder,
        InputElementType elementType,
        float[] mean,
        float[] std) {

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public PreprocessSpec {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("model input size must be positive, got " + width + "x" + height);
        }
        if (resizeShorterSide < 0) {
            throw new IllegalArgumentException("resizeShorterSide must be >= 0 (0 = resize straight to the input size)");
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
