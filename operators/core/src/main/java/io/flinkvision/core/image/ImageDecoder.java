package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.io.IOException;

/**
 * Decodes a frame payload (JPEG, PNG, raw RGB24) to {@link RgbImage}. Refuses, before decoding, any
 * frame whose declared or header size exceeds the pixel limit (decompression bombs).
 *
 * <p>Size rules: the declared size is checked against the limit first; for JPEG and PNG the
 * header's size is then checked too, and it is the header that counts: the pixels are laid out
 * by the header, while the declared size is producer metadata that may be stale or zero
 * ("unknown"), so a disagreement is not a rejection. RGB24 has no header, so it needs a positive
 * declared size whose {@code w*h*3} equals the payload length.
 *
 * <p>The mismatch between a declared encoding and the payload (PNG bytes sent as JPEG) is
 * CORRUPT_IMAGE: the payload is not a valid image of the kind the frame claims. So is a JPEG that
 * ends early, even one that lacks only its EOI marker: ImageIO would fill the missing part with
 * grey and return it (see {@link DamageWarnings}). Valid JPEGs that ImageIO cannot decode
 * (lossless, arithmetic-coded, 12-bit) are UNSUPPORTED_ENCODING.
 *
 * <p>Colour: every source is normalised to 8-bit RGB from its stored samples, as PIL does
 * (embedded ICC profiles are ignored, alpha is dropped, 16-bit keeps the high byte, CMYK uses the
 * Adobe-inverted convention when the APP14 marker is present).
 *
 * <p>Thread-safe: it holds only its limit; each call makes its own ImageIO reader.
 */
public final class ImageDecoder {
    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /**
     * @param declaredWidth the frame's declared width (0 = unknown; required for RGB24)
     * @param declaredHeight the frame's declared height (0 = unknown; required for RGB24)
     * @throws FrameRejectedException with EMPTY_PAYLOAD, UNSUPPORTED_ENCODING, CORRUPT_IMAGE,
     *     SIZE_MISMATCH or TOO_MANY_PIXELS
     */
    public RgbImage decode(FrameEncoding encoding, int declaredWidth, int declaredHeight, byte[] payload)
            throws FrameRejectedException {
        if (payload == null || payload.length == 0) {
            throw new FrameRejectedException(ReasonCode.EMPTY_PAYLOAD, "frame has no payload");
        }
        if (encoding == null) {
            throw new FrameRejectedException(ReasonCode.UNSUPPORTED_ENCODING, "frame has no encoding");
        }
        if (declaredWidth < 0 || declaredHeight < 0) {
            throw new FrameRejectedException(ReasonCode.SIZE_MISMATCH,
                    "negative declared size " + declaredWidth + "x" + declaredHeight);
        }
        checkPixelLimit(declaredWidth, declaredHeight, "declared");
        try {
            return switch (encoding) {
                case RGB24 -> rawRgb(declaredWidth, declaredHeight, payload);
                case JPEG -> decodeJpeg(payload);
                case PNG -> decodePng(payload);
                // Symbols added to the schema later reach old decoders as new enum constants
                default -> throw new FrameRejectedException(ReasonCode.UNSUPPORTED_ENCODING,
                        "no decoder for encoding " + encoding);
            };
        } catch (FrameRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports bad data with IIOException, but also with runtime exceptions from
            // deep inside its decoders (array bounds, illegal arguments, native errors)
            throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE,
                    encoding + " payload could not be decoded: " + e, e);
        }
    }

    private RgbImage decodeJpeg(byte[] payload) throws FrameRejectedException, IOException {
        JpegHeader header = JpegHeader.parse(payload);
        checkPixelLimit(header.width(), header.height(), "JPEG header");
        return JpegDecoding.decode(header, payload);
    }

    private RgbImage decodePng(byte[] payload) throws FrameRejectedException, IOException {
        PngHeader header = PngHeader.parse(payload);
        checkPixelLimit(header.width(), header.height(), "PNG header");
        return PngDecoding.decode(header, payload);
    }

    private static RgbImage rawRgb(int width, int height, byte[] payload) throws FrameRejectedException {
        if (width == 0 || height == 0) {
            throw new FrameRejectedException(ReasonCode.SIZE_MISMATCH,
                    "RGB24 needs a declared size, got " + width + "x" + height);
        }
        long expected = 3L * width * height;
        if (payload.length != expected) {
            throw new FrameRejectedException(ReasonCode.SIZE_MISMATCH, "RGB24 " + width + "x" + height
                    + " needs " + expected + " bytes, payload has " + payload.length);
        }
        // A copy, so that the image cannot change under a caller that reuses its payload buffer
        return new RgbImage(width, height, payload.clone());
    }

    private void checkPixelLimit(long width, long height, String source) throws FrameRejectedException {
        if (width * height > maxPixels) {
            throw new FrameRejectedException(ReasonCode.TOO_MANY_PIXELS, source + " size " + width + "x" + height
                    + " exceeds the limit of " + maxPixels + " pixels");
        }
    }
}
