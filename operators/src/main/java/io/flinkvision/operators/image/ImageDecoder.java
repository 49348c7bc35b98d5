package io.flinkvision.operators.image;

import io.flinkvision.operators.FrameRejectedException;
import io.flinkvision.schemas.FrameEncoding;

/**
 * Decodes a frame payload (JPEG, PNG, raw RGB24) to {@link RgbImage}. Refuses, before decoding, any
 * frame whose declared or header size exceeds the pixel limit (decompression bombs).
 *
 * <p>STUB: the image helper replaces this body.
 */
public final class ImageDecoder {
    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * @param declaredWidth the frame's declared width (0 = unknown; required for RGB24)
     * @param declaredHeight the frame's declared height (0 = unknown; required for RGB24)
     * @throws FrameRejectedException with EMPTY_PAYLOAD, UNSUPPORTED_ENCODING, CORRUPT_IMAGE,
     *     SIZE_MISMATCH or TOO_MANY_PIXELS
     */
    public RgbImage decode(FrameEncoding encoding, int declaredWidth, int declaredHeight, byte[] payload)
            throws FrameRejectedException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
