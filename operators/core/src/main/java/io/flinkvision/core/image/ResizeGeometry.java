package io.flinkvision.core.image;

import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.ResizeMode;

/**
 * Where a source image goes: the size it is resized to, the crop window taken from the resized image
 * (all of it unless the spec center-crops), and where that window is placed in the model input
 * (the letterbox offset; 0, 0 otherwise). {@code scaleX}/{@code scaleY} are what boxes are divided
 * by on the way back ({@link ImagePlacement}).
 */
record ResizeGeometry(int resizedWidth, int resizedHeight, int cropX, int cropY, int cropWidth, int cropHeight,
        int placeX, int placeY, double scaleX, double scaleY) {

    static ResizeGeometry of(PreprocessSpec spec, int sourceWidth, int sourceHeight) {
        ResizeMode mode = spec.resizeMode();
        int w = spec.width();
        int h = spec.height();
        return switch (mode) {
            case STRETCH -> new ResizeGeometry(w, h, 0, 0, w, h, 0, 0, (double) w / sourceWidth, (double) h / sourceHeight);
            case CENTER_CROP -> centerCrop(spec, sourceWidth, sourceHeight);
            case LETTERBOX_TOP_LEFT, LETTERBOX_CENTRED -> letterbox(w, h, sourceWidth, sourceHeight,
                    mode == ResizeMode.LETTERBOX_CENTRED);
        };
    }

    /** True when the resized image does not cover the whole input: the rest is padding. */
    boolean padded(PreprocessSpec spec) {
        return cropWidth < spec.width() || cropHeight < spec.height();
    }

    ImagePlacement placement(int sourceWidth, int sourceHeight) {
        return new ImagePlacement(sourceWidth, sourceHeight, scaleX, scaleY, placeX - cropX, placeY - cropY);
    }

    private static ResizeGeometry centerCrop(PreprocessSpec spec, int sourceWidth, int sourceHeight) {
        int side = spec.resizeShorterSide();
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
        return new ResizeGeometry(resizedWidth, resizedHeight, cropX, cropY, spec.width(), spec.height(), 0, 0,
                (double) resizedWidth / sourceWidth, (double) resizedHeight / sourceHeight);
    }

    /**
     * YOLOX's and EfficientDet's rule: {@code r = min(inputH / h, inputW / w)} in double, resized to
     * {@code (int) (w * r)} by {@code (int) (h * r)} (truncated, as their Python does), at least one
     * pixel; centred offsets are floored.
     */
    static ResizeGeometry letterbox(int inputWidth, int inputHeight, int sourceWidth, int sourceHeight, boolean centred) {
        double r = Math.min((double) inputHeight / sourceHeight, (double) inputWidth / sourceWidth);
        int resizedWidth = Math.max(1, Math.min(inputWidth, (int) (sourceWidth * r)));
        int resizedHeight = Math.max(1, Math.min(inputHeight, (int) (sourceHeight * r)));
        int placeX = centred ? (inputWidth - resizedWidth) / 2 : 0;
        int placeY = centred ? (inputHeight - resizedHeight) / 2 : 0;
        return new ResizeGeometry(resizedWidth, resizedHeight, 0, 0, resizedWidth, resizedHeight, placeX, placeY, r, r);
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
