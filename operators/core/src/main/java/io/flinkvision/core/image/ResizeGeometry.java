package io.flinkvision.core.image;

import io.flinkvision.core.model.PreprocessSpec;

/**
 * Where a source image goes: the size it is resized to, and the crop window taken from the
 * resized image (the whole of it when the spec resizes straight to the input size).
 */
record ResizeGeometry(int resizedWidth, int resizedHeight, int cropX, int cropY, int cropWidth, int cropHeight) {

    static ResizeGeometry of(PreprocessSpec spec, int sourceWidth, int sourceHeight) {
        int side = spec.resizeShorterSide();
        if (side == 0) {
            return new ResizeGeometry(spec.width(), spec.height(), 0, 0, spec.width(), spec.height());
        }
        int resizedWidth;
        int resizedHeight;
        if (sourceWidth <= sourceHeight) {
            resizedWidth = side;
            resizedHeight = longerSide(side, sourceHeight, sourceWidth);
        } else {
            resizedHeight = side;
            resizedWidth = longerSide(side, sourceWidth, sourceHeight);
        }
        // PreprocessSpec guarantees side >= the crop, so the offsets are never negative
        int cropX = (resizedWidth - spec.width()) / 2;
        int cropY = (resizedHeight - spec.height()) / 2;
        return new ResizeGeometry(resizedWidth, resizedHeight, cropX, cropY, spec.width(), spec.height());
    }

    /**
     * The longer side scaled with the shorter one: {@code round(side * longer / shorter)}, ties to
     * even like Python's round. Checked against the reference tensors: truncation (torchvision's
     * own rule) and round-half-even crop offsets both miss several photos, this rule and floored
     * offsets match all 14 exactly.
     */
    static int longerSide(int side, int longer, int shorter) {
        return (int) Math.rint((double) side * longer / shorter);
    }
}
