package io.flinkvision.tests.badinput;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Byte-level edits of a real JPEG, to build bad inputs a camera or a hostile producer could send:
 * another declared size in the frame header, a damaged Huffman table, junk after the image.
 */
public final class JpegSurgery {
    private JpegSurgery() {}

    /** Offset of the first marker segment {@code FF marker} (its 0xFF byte), or -1. */
    static int findSegment(byte[] jpeg, java.util.function.IntPredicate marker) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG: no SOI marker");
        }
        int at = 2;
        while (at + 4 <= jpeg.length) {
            if ((jpeg[at] & 0xFF) != 0xFF) {
                return -1;
            }
            int code = jpeg[at + 1] & 0xFF;
            if (marker.test(code)) {
                return at;
            }
            if (code == 0xDA) { // start of scan: entropy-coded data follows, no more headers to walk
                return -1;
            }
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            at += 2 + length;
        }
        return -1;
    }

    private static boolean isStartOfFrame(int code) {
        return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
    }

    /** The JPEG with its frame header (SOFn) declaring {@code width} x {@code height} (each 0..65535). */
    public static byte[] withDeclaredSize(byte[] jpeg, int width, int height) {
        int sof = findSegment(jpeg, JpegSurgery::isStartOfFrame);
        if (sof < 0) {
            throw new IllegalArgumentException("no SOF segment");
        }
        byte[] out = jpeg.clone();
        // FF Cn, length(2), precision(1), height(2), width(2)
        out[sof + 5] = (byte) (height >> 8);
        out[sof + 6] = (byte) height;
        out[sof + 7] = (byte) (width >> 8);
        out[sof + 8] = (byte) width;
        return out;
    }

    /** The JPEG with the code counts of its first Huffman table (DHT) overwritten by 0xFF. */
    public static byte[] withCorruptHuffmanTable(byte[] jpeg) {
        int dht = findSegment(jpeg, code -> code == 0xC4);
        if (dht < 0) {
            throw new IllegalArgumentException("no DHT segment");
        }
        byte[] out = jpeg.clone();
        // FF C4, length(2), class/id(1), 16 code counts: counts far over 256 codes are invalid.
        Arrays.fill(out, dht + 5, dht + 5 + 16, (byte) 0xFF);
        return out;
    }

    /** The JPEG followed by zero bytes up to {@code totalLength} (decoders stop at EOI). */
    public static byte[] paddedTo(byte[] jpeg, int totalLength) {
        if (totalLength < jpeg.length) {
            throw new IllegalArgumentException("shorter than the JPEG");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(totalLength);
        out.writeBytes(jpeg);
        out.writeBytes(new byte[totalLength - jpeg.length]);
        return out.toByteArray();
    }
}
