package io.flinkvision.core.image;

import java.io.Serializable;

/**
 * What one frame may cost to decode and resize, checked from the declared and header sizes before
 * any raster is allocated.
 *
 * @param maxPixels width x height (max-pixels): bounds the decoded raster
 * @param maxAspectRatio longer side / shorter side (max-aspect-ratio): bounds the resize
 *     intermediates, because a short-side resize of a 65535x1 frame would be 14 million columns wide
 * @param maxResizedSide the longest side a frame may be resized to on its way to the model input:
 *     bounds the resample coefficients and rows whatever the aspect ratio limit allows
 */
public record DecodeBudget(long maxPixels, double maxAspectRatio, int maxResizedSide) implements Serializable {

    /** Wider than any camera or panorama stitch in use (32:9 is 3.6), narrow enough to keep resizes small. */
    public static final double DEFAULT_MAX_ASPECT_RATIO = 16.0;
    /** 16 x 256, the longest side a 16:1 frame reaches under the usual resize-to-256 center crop. */
    public static final int DEFAULT_MAX_RESIZED_SIDE = 8192;

    public DecodeBudget {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels (max-pixels) must be positive, got " + maxPixels);
        }
        if (!(maxAspectRatio >= 1.0)) {
            throw new IllegalArgumentException(
                    "maxAspectRatio (max-aspect-ratio) must be at least 1 (square), got " + maxAspectRatio);
        }
        if (maxResizedSide < 1) {
            throw new IllegalArgumentException("maxResizedSide must be positive, got " + maxResizedSide);
        }
    }

    /** The pixel limit with the default aspect ratio and resize limits. */
    public static DecodeBudget ofPixels(long maxPixels) {
        return new DecodeBudget(maxPixels, DEFAULT_MAX_ASPECT_RATIO, DEFAULT_MAX_RESIZED_SIDE);
    }

    /** The pixel limit only (tools that decode frames of any shape, and tests). */
    public static DecodeBudget pixelsOnly(long maxPixels) {
        return new DecodeBudget(maxPixels, Double.MAX_VALUE, Integer.MAX_VALUE);
    }
}
