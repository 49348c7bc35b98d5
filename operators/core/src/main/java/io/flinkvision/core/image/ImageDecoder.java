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
 * <p>Budget ({@link DecodeBudget}): besides the pixel limit, a frame whose sides differ by more than
 * the aspect ratio limit, or whose size its caller's {@link SizeGate} refuses (the resize
 * intermediates), is DECODE_BUDGET_EXCEEDED before decoding; so is a JPEG or PNG whose header
 * declares far more pixels than its payload can hold (a few hundred bytes declaring 6324x6324 would
 * otherwise cost a 120 MB raster before the truncation shows). A decode past the calling thread's
 * {@link DecodeDeadline} is aborted: DECODE_TIMEOUT.
 *
 * <p>Thread-safe: it holds only its limits; each call makes its own ImageIO reader.
 */
public final class ImageDecoder {
    /**
     * Most pixels one JPEG payload byte can stand for: libjpeg needs at least one bit per 8x8 luma
     * block even for a flat image in a progressive DC scan (64 pixels per bit, 512 per byte); twice
     * that, so that no real file comes near it.
     */
    static final long JPEG_PIXELS_PER_BYTE = 1024;
    /**
     * Deflate expands at most about 1032:1 and a 1-bit palette PNG packs 8 pixels per byte: 8256
     * pixels per payload byte at best; twice that.
     */
    static final long PNG_PIXELS_PER_BYTE = 16_512;

    /** A further check of the header size before decoding, e.g. the resize it will need. */
    @FunctionalInterface
    public interface SizeGate {
        /** Lets everything through. */
        SizeGate NONE = (width, height) -> {};

        /** @throws FrameRejectedException (DECODE_BUDGET_EXCEEDED) when a frame of this size must not be decoded */
        void check(int width, int height) throws FrameRejectedException;
    }

    private final DecodeBudget budget;
    private final SizeGate gate;

    /** The pixel limit with the default aspect-ratio and resize limits. */
    public ImageDecoder(long maxPixels) {
        this(DecodeBudget.ofPixels(maxPixels), SizeGate.NONE);
    }

    public ImageDecoder(DecodeBudget budget, SizeGate gate) {
        if (budget == null || gate == null) {
            throw new IllegalArgumentException("budget and gate are required (SizeGate.NONE for no further check)");
        }
        this.budget = budget;
        this.gate = gate;
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
        DecodeDeadline.checkNotPassed();
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
            DecodeDeadline.throwIfAborted(); // an aborted read may fail on its partial data
            // ImageIO reports bad data with IIOException, but also with runtime exceptions from
            // deep inside its decoders (array bounds, illegal arguments, native errors)
            throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE,
                    encoding + " payload could not be decoded: " + e, e);
        }
    }

    private RgbImage decodeJpeg(byte[] payload) throws FrameRejectedException, IOException {
        JpegHeader header = JpegHeader.parse(payload);
        checkPixelLimit(header.width(), header.height(), "JPEG header");
        checkBudget(header.width(), header.height(), payload.length, JPEG_PIXELS_PER_BYTE, "JPEG");
        return JpegDecoding.decode(header, payload);
    }

    private RgbImage decodePng(byte[] payload) throws FrameRejectedException, IOException {
        PngHeader header = PngHeader.parse(payload);
        checkPixelLimit(header.width(), header.height(), "PNG header");
        checkBudget(header.width(), header.height(), payload.length, PNG_PIXELS_PER_BYTE, "PNG");
        return PngDecoding.decode(header, payload);
    }

    private RgbImage rawRgb(int width, int height, byte[] payload) throws FrameRejectedException {
        if (width == 0 || height == 0) {
            throw new FrameRejectedException(ReasonCode.SIZE_MISMATCH,
                    "RGB24 needs a declared size, got " + width + "x" + height);
        }
        long expected = 3L * width * height;
        if (payload.length != expected) {
            throw new FrameRejectedException(ReasonCode.SIZE_MISMATCH, "RGB24 " + width + "x" + height
                    + " needs " + expected + " bytes, payload has " + payload.length);
        }
        checkBudget(width, height, payload.length, 1, "RGB24");
        // A copy, so that the image cannot change under a caller that reuses its payload buffer
        return new RgbImage(width, height, payload.clone());
    }

    private void checkPixelLimit(long width, long height, String source) throws FrameRejectedException {
        if (width * height > budget.maxPixels()) {
            throw new FrameRejectedException(ReasonCode.TOO_MANY_PIXELS, source + " size " + width + "x" + height
                    + " exceeds the limit of " + budget.maxPixels() + " pixels");
        }
    }

    /** The checks that need the real size (header, or declared for RGB24), before any pixel is decoded. */
    private void checkBudget(int width, int height, int payloadBytes, long pixelsPerByte, String kind)
            throws FrameRejectedException {
        long pixels = (long) width * height;
        if (pixels > payloadBytes * pixelsPerByte) {
            throw new FrameRejectedException(ReasonCode.DECODE_BUDGET_EXCEEDED, kind + " header declares " + width
                    + "x" + height + " but the payload has only " + payloadBytes + " bytes: an image of that size needs"
                    + " at least " + (pixels + pixelsPerByte - 1) / pixelsPerByte + " (truncated or forged header)");
        }
        double ratio = (double) Math.max(width, height) / Math.min(width, height);
        if (ratio > budget.maxAspectRatio()) {
            throw new FrameRejectedException(ReasonCode.DECODE_BUDGET_EXCEEDED, kind + " size " + width + "x" + height
                    + " has an aspect ratio of " + String.format(java.util.Locale.ROOT, "%.1f", ratio)
                    + ":1, above the limit of " + budget.maxAspectRatio() + ":1 (max-aspect-ratio)");
        }
        gate.check(width, height);
    }
}
