package io.flinkvision.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;

/**
 * Normalises whatever ImageIO decoded (grey, grey+alpha, palette, RGB, RGBA; 1 to 16 bits) to
 * 8-bit interleaved RGB from the raw samples. Raw samples, not {@code BufferedImage.getRGB}:
 * getRGB colour-manages (a linear-grey PNG would come out gamma-shifted), while the reference
 * pipeline (PIL) uses the stored values as they are.
 *
 * <p>Alpha is dropped, not composited: PIL's {@code convert("RGB")}, which made the reference
 * tensors, discards it, so compositing would show the model a different picture.
 */
final class RasterToRgb {
    private RasterToRgb() {}

    static RgbImage convert(BufferedImage image) {
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] rgb = new byte[width * height * 3];
        if (cm instanceof IndexColorModel icm) {
            fromPalette(raster, icm, rgb);
        } else if (!copyInterleavedBytes(raster, cm, rgb)) {
            fromSamples(raster, cm, rgb);
        }
        return new RgbImage(width, height, rgb);
    }

    private static void fromPalette(Raster raster, IndexColorModel icm, byte[] rgb) {
        int width = raster.getWidth();
        int[] row = new int[width];
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int argb = icm.getRGB(row[x]);
                rgb[o++] = (byte) (argb >> 16);
                rgb[o++] = (byte) (argb >> 8);
                rgb[o++] = (byte) argb;
            }
        }
    }

    /** Fast path for 8-bit pixel-interleaved data (the usual RGB, BGR, ABGR, grey layouts). */
    private static boolean copyInterleavedBytes(Raster raster, ColorModel cm, byte[] rgb) {
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (!(sm instanceof ComponentSampleModel csm) || !(db instanceof DataBufferByte)
                || db.getNumBanks() != 1 || db.getOffset() != 0
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return false;
        }
        int colours = cm.getNumColorComponents();
        if (colours != 1 && colours != 3) {
            return false;
        }
        for (int b = 0; b < sm.getNumBands(); b++) {
            if (sm.getSampleSize(b) != 8 || csm.getBankIndices()[b] != 0) {
                return false;
            }
        }
        byte[] src = ((DataBufferByte) db).getData();
        int[] offsets = csm.getBandOffsets();
        int r = offsets[0];
        int g = colours == 3 ? offsets[1] : r;
        int b = colours == 3 ? offsets[2] : r;
        int stride = csm.getPixelStride();
        int width = raster.getWidth();
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            int p = y * csm.getScanlineStride();
            for (int x = 0; x < width; x++, p += stride) {
                rgb[o++] = src[p + r];
                rgb[o++] = src[p + g];
                rgb[o++] = src[p + b];
            }
        }
        return true;
    }

    /** General path: any sample model and depth; the first 1 or 3 bands are the colour. */
    private static void fromSamples(Raster raster, ColorModel cm, byte[] rgb) {
        int colours = cm.getNumColorComponents() >= 3 ? 3 : 1;
        int bands = raster.getNumBands();
        int[] bits = new int[colours];
        for (int c = 0; c < colours; c++) {
            bits[c] = raster.getSampleModel().getSampleSize(c);
        }
        int width = raster.getWidth();
        int[] row = new int[width * bands];
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int p = x * bands;
                if (colours == 1) {
                    byte v = (byte) to8Bits(row[p], bits[0]);
                    rgb[o++] = v;
                    rgb[o++] = v;
                    rgb[o++] = v;
                } else {
                    rgb[o++] = (byte) to8Bits(row[p], bits[0]);
                    rgb[o++] = (byte) to8Bits(row[p + 1], bits[1]);
                    rgb[o++] = (byte) to8Bits(row[p + 2], bits[2]);
                }
            }
        }
    }

    /**
     * Deep samples keep their high byte (as PIL does for 16-bit RGB); shallow ones are stretched
     * to the full range (1-bit 1 becomes 255, 4-bit 15 becomes 255), as PIL does too.
     */
    static int to8Bits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        if (bits > 8) {
            return sample >>> (bits - 8);
        }
        return sample * 255 / ((1 << bits) - 1);
    }
}
