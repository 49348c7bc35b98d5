package io.flinkvision.core.image;

/**
 * A decoded picture: 8-bit RGB, interleaved, row-major ({@code pixels.length == width*height*3}).
 * Every decoder output is normalised to this, whatever the source (grey, palette, 16-bit, alpha,
 * CMYK), so that preprocessing has one input type.
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException(
                    "expected " + (width * height * 3) + " RGB bytes for " + width + "x" + height
                            + ", got " + pixels.length);
        }
    }
}
