package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.ReasonCode;
import java.util.Arrays;

/**
 * What the decoder needs to know about a JPEG before any pixel is decoded: frame size (for the
 * pixel limit), component count and Adobe colour transform (for CMYK/YCCK), and where ICC profile
 * segments are (so they can be left out: the reference pipeline, PIL, ignores embedded profiles).
 *
 * @param adobeTransform the APP14 "Adobe" transform byte (0 = none/CMYK, 1 = YCbCr, 2 = YCCK), or
 *     {@link #NO_ADOBE_MARKER}
 * @param iccSegments {@code [start, end)} byte ranges of the APP2 ICC_PROFILE segments, markers included
 */
record JpegHeader(int width, int height, int components, int adobeTransform, int[] iccSegments) {

    static final int NO_ADOBE_MARKER = -1;

    private static final byte[] ADOBE_ID = {'A', 'd', 'o', 'b', 'e'};
    private static final byte[] ICC_ID = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};

    boolean hasAdobeMarker() {
        return adobeTransform != NO_ADOBE_MARKER;
    }

    /**
     * Walks the marker segments from SOI up to the first SOS (where the entropy-coded data
     * begins); segment lengths are trusted only after a bounds check.
     */
    static JpegHeader parse(byte[] data) throws FrameRejectedException {
        if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw corrupt("not a JPEG: no SOI marker");
        }
        int width = -1;
        int height = -1;
        int components = -1;
        int adobe = NO_ADOBE_MARKER;
        int[] icc = new int[0];
        int pos = 2;
        while (true) {
            if (pos >= data.length) {
                throw corrupt("JPEG header ends before the first scan");
            }
            if ((data[pos] & 0xFF) != 0xFF) {
                throw corrupt("JPEG marker expected at byte " + pos);
            }
            int segmentStart = pos;
            while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
                pos++; // 0xFF fill bytes may precede any marker
            }
            if (pos >= data.length) {
                throw corrupt("JPEG header ends inside a marker");
            }
            int marker = data[pos++] & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // standalone markers carry no length
            }
            if (marker == 0xD8 || marker == 0xD9) {
                throw corrupt("unexpected " + (marker == 0xD8 ? "SOI" : "EOI") + " in the JPEG header");
            }
            if (pos + 2 > data.length) {
                throw corrupt("JPEG header truncated at byte " + pos);
            }
            int length = u16(data, pos);
            int end = pos + length;
            if (length < 2 || end > data.length) {
                throw corrupt("JPEG segment 0x" + Integer.toHexString(marker) + " has a bad length " + length);
            }
            if (marker == 0xDA) {
                if (width < 0) {
                    throw corrupt("JPEG scan starts before any frame header (SOF)");
                }
                return new JpegHeader(width, height, components, adobe, icc);
            }
            if (isStartOfFrame(marker) && width < 0) {
                if (length < 8) {
                    throw corrupt("JPEG frame header too short");
                }
                int precision = data[pos + 2] & 0xFF;
                if (marker > 0xC2 || precision != 8) {
                    // Valid JPEG flavours that ImageIO's libjpeg cannot decode: lossless,
                    // hierarchical, arithmetic-coded, 12-bit
                    throw new FrameRejectedException(ReasonCode.UNSUPPORTED_ENCODING, "JPEG process SOF"
                            + (marker - 0xC0) + " with " + precision + "-bit samples is not supported");
                }
                height = u16(data, pos + 3);
                width = u16(data, pos + 5);
                components = data[pos + 7] & 0xFF;
                if (width == 0 || height == 0) {
                    // height 0 means "given later by a DNL marker", which ImageIO cannot decode either
                    throw corrupt("JPEG frame header declares " + width + "x" + height);
                }
                if (components != 1 && components != 3 && components != 4) {
                    throw corrupt("JPEG with " + components + " components");
                }
            } else if (marker == 0xEE && length >= 14 && startsWith(data, pos + 2, ADOBE_ID)) {
                adobe = data[pos + 13] & 0xFF;
            } else if (marker == 0xE2 && startsWith(data, pos + 2, ICC_ID)) {
                icc = Arrays.copyOf(icc, icc.length + 2);
                icc[icc.length - 2] = segmentStart;
                icc[icc.length - 1] = end;
            }
            pos = end;
        }
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean startsWith(byte[] data, int pos, byte[] prefix) {
        if (pos + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] data, int pos) {
        return ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
    }

    private static FrameRejectedException corrupt(String message) {
        return new FrameRejectedException(ReasonCode.CORRUPT_IMAGE, message);
    }
}
