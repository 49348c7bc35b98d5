package io.flinkvision.core.image;

import java.awt.image.Raster;

/**
 * Turns the raw four-channel samples of a CMYK or YCCK JPEG into RGB, because ImageIO cannot: it
 * reads such files only as a Raster. The steps follow what PIL (the reference pipeline) does
 * with libjpeg: YCCK is first converted to CMYK with libjpeg's fixed-point YCbCr tables, Adobe
 * files (APP14 marker present) store every channel inverted, and CMYK becomes RGB with the
 * profile-free formula {@code R = (255-C)(255-K)/255}.
 */
final class CmykConversion {
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);

    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // libjpeg jdcolor.c build_ycc_rgb_table, so that colours equal what libjpeg would produce
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private CmykConversion() {}

    /**
     * @param raster four bands (C, M, Y, K) or (Y, Cb, Cr, K), 8 bits each, origin at (0, 0)
     * @param ycck whether the first three bands are YCbCr-coded (Adobe transform 2)
     * @param adobeInverted whether the file carries an Adobe APP14 marker (Photoshop stores
     *     CMYK inverted, and all common readers assume so when the marker is there)
     */
    static byte[] toRgb(Raster raster, boolean ycck, boolean adobeInverted) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width * 4];
        int o = 0;
        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int i = 4 * x;
                int c = row[i];
                int m = row[i + 1];
                int yel = row[i + 2];
                int k = row[i + 3];
                if (ycck) {
                    int luma = c;
                    int cb = m;
                    int cr = yel;
                    c = 255 - clamp(luma + CR_R[cr]);
                    m = 255 - clamp(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
                    yel = 255 - clamp(luma + CB_B[cb]);
                }
                if (adobeInverted) {
                    c = 255 - c;
                    m = 255 - m;
                    yel = 255 - yel;
                    k = 255 - k;
                }
                int notK = 255 - k;
                rgb[o++] = (byte) times255ths(255 - c, notK);
                rgb[o++] = (byte) times255ths(255 - m, notK);
                rgb[o++] = (byte) times255ths(255 - yel, notK);
            }
        }
        return rgb;
    }

    /** round(a * b / 255) for a, b in 0..255, exact, without a division. */
    private static int times255ths(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int fix(double x) {
        return (int) (x * (1 << SCALE_BITS) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
