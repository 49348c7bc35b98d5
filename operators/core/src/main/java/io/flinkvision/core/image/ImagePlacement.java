package io.flinkvision.core.image;

/**
 * Where a frame landed in the model input: input coordinates are {@code frame * scale + shift} per
 * axis. It maps a box the model found back to pixels of the original frame, undoing the resize,
 * the center crop or the letterbox.
 *
 * <p>Coordinates are continuous (pixel edges at whole numbers, as boxes are): both PIL's and
 * OpenCV's resizes map output pixel centre {@code i + 0.5} to source {@code (i + 0.5) * in / out},
 * so an edge at {@code x} maps to {@code x * in / out} without an offset.
 *
 * @param scaleX input pixels per frame pixel, horizontally (a letterbox uses its ratio
 *     {@code r = min(inputW / w, inputH / h)} on both axes, as the YOLOX and EfficientDet references
 *     divide by it)
 * @param shiftX where frame x = 0 lands in the input: the letterbox offset, or minus the crop offset
 */
public record ImagePlacement(int frameWidth, int frameHeight, double scaleX, double scaleY, double shiftX,
        double shiftY) {

    public ImagePlacement {
        if (frameWidth <= 0 || frameHeight <= 0 || !(scaleX > 0) || !(scaleY > 0)) {
            throw new IllegalArgumentException("a placement needs a positive frame size and scales, got "
                    + frameWidth + "x" + frameHeight + " scale " + scaleX + "x" + scaleY);
        }
    }

    /** An input x coordinate in frame pixels, clipped to the frame. */
    public float frameX(double inputX) {
        return clip((inputX - shiftX) / scaleX, frameWidth);
    }

    /** An input y coordinate in frame pixels, clipped to the frame. */
    public float frameY(double inputY) {
        return clip((inputY - shiftY) / scaleY, frameHeight);
    }

    /** A frame x coordinate in input pixels (not clipped). */
    public double inputX(double frameX) {
        return frameX * scaleX + shiftX;
    }

    /** A frame y coordinate in input pixels (not clipped). */
    public double inputY(double frameY) {
        return frameY * scaleY + shiftY;
    }

    private static float clip(double v, int max) {
        return (float) (v < 0 ? 0 : Math.min(v, max));
    }
}
