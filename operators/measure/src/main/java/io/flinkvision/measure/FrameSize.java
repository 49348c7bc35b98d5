package io.flinkvision.measure;

import java.util.Locale;

/** A camera frame's size in pixels, as given on command lines: {@code WIDTHxHEIGHT}, e.g. {@code 1280x720}. */
public record FrameSize(int width, int height) {
    public FrameSize {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a frame size needs a positive width and height, got " + width + "x"
                    + height);
        }
    }

    /** Parses {@code WIDTHxHEIGHT} (either case of x). */
    public static FrameSize parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("a frame size is WIDTHxHEIGHT, e.g. 1280x720, got '" + text + "'");
        }
        try {
            return new FrameSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a frame size is WIDTHxHEIGHT in whole pixels, e.g. 1280x720, got '"
                    + text + "'");
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
