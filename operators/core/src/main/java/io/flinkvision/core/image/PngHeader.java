package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.ReasonCode;
import java.util.zip.CRC32;

/**
 * A PNG's IHDR chunk, read (and its CRC checked) before any pixel is decoded, so that the pixel
 * limit can refuse a decompression bomb from its first 33 bytes.
 */
record PngHeader(int width, int height, int bitDepth, int colorType) {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** Signature (8) + length (4) + "IHDR" (4) + data (13) + CRC (4). */
    private static final int MIN_LENGTH = 33;

    static PngHeader parse(byte[] data) throws FrameRejectedException {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (i >= data.length || data[i] != SIGNATURE[i]) {
                throw corrupt("not a PNG: bad signature");
            }
        }
        if (data.length < MIN_LENGTH) {
            throw corrupt("PNG truncated before the end of IHDR");
        }
        if (s32(data, 8) != 13 || data[12] != 'I' || data[13] != 'H' || data[14] != 'D' || data[15] != 'R') {
            throw corrupt("PNG does not start with a 13-byte IHDR chunk");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 12, 17); // chunk type and data
        if ((int) crc.getValue() != s32(data, 29)) {
            throw corrupt("PNG IHDR CRC mismatch");
        }
        int width = s32(data, 16);
        int height = s32(data, 20);
        // The spec caps both at 2^31-1; a negative int here is a value above that
        if (width <= 0 || height <= 0) {
            throw corrupt("PNG IHDR declares " + Integer.toUnsignedString(width) + "x"
                    + Integer.toUnsignedString(height));
        }
        return new PngHeader(width, height, data[24] & 0xFF, data[25] & 0xFF);
    }

    private static int s32(byte[] data, int pos) {
        return ((data[pos] & 0xFF) << 24) | ((data[pos + 1] & 0xFF) << 16)
                | ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
    }

    private static FrameRejectedException corrupt(String message) {
        return new FrameRejectedException(ReasonCode.CORRUPT_IMAGE, message);
    }
}
