package io.flinkvision.core.image;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds test pictures and their encoded bytes in memory, so tests need no files. */
final class TestImages {
    private TestImages() {}

    /** A deterministic pattern with gradients and detail in every channel. */
    static int patternRgb(int x, int y) {
        int r = (x * 7 + y * 3) & 0xFF;
        int g = (x * x + 5 * y) & 0xFF;
        int b = (255 - 4 * y + x) & 0xFF;
        return (r << 16) | (g << 8) | b;
    }

    /** A smooth picture that survives JPEG compression nearly unchanged. */
    static int smoothRgb(int x, int y, int width, int height) {
        int r = 30 + 190 * x / Math.max(1, width - 1);
        int g = 40 + 170 * y / Math.max(1, height - 1);
        int b = 220 - 150 * (x + y) / Math.max(1, width + height - 2);
        return (r << 16) | (g << 8) | b;
    }

    static BufferedImage patternImage(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, patternRgb(x, y));
            }
        }
        return image;
    }

    static BufferedImage smoothImage(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, smoothRgb(x, y, width, height));
            }
        }
        return image;
    }

    /** An image with 16-bit samples and {@code bands} bands (1 grey, 3 RGB), filled by {@code sample}. */
    static BufferedImage ushortImage(int width, int height, int bands, SampleFunction sample) {
        ColorSpace cs = ColorSpace.getInstance(bands == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
        fill(raster, sample);
        return new BufferedImage(cm, raster, false, null);
    }

    /** 8-bit grey plus alpha (PNG colour type 4). */
    static BufferedImage greyAlphaImage(int width, int height, SampleFunction sample) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
        fill(raster, sample);
        return new BufferedImage(cm, raster, false, null);
    }

    static void fill(WritableRaster raster, SampleFunction sample) {
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    raster.setSample(x, y, b, sample.at(x, y, b));
                }
            }
        }
    }

    /** A four-band (CMYK or YCCK samples) 8-bit raster. */
    static WritableRaster fourBandRaster(int width, int height, SampleFunction sample) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, new Point(0, 0));
        fill(raster, sample);
        return raster;
    }

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for " + image);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG written with Adam7 interlacing (ImageIO's "progressive" PNG mode). */
    static byte[] interlacedPng(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
        return writeJpeg(new IIOImage(image, null, null), quality, progressive);
    }

    /** Writes the raster's samples as they are: ImageIO does no colour conversion for rasters. */
    static byte[] jpegFromRaster(Raster raster, float quality) {
        return writeJpeg(new IIOImage(raster, null, null), quality, false);
    }

    private static byte[] writeJpeg(IIOImage image, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** {@code jpeg} with a marker segment ({@code marker}, then {@code body}) inserted right after SOI. */
    static byte[] withSegmentAfterSoi(byte[] jpeg, int marker, byte[] body) {
        byte[] out = new byte[jpeg.length + 4 + body.length];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) marker;
        out[4] = (byte) ((body.length + 2) >> 8);
        out[5] = (byte) (body.length + 2);
        System.arraycopy(body, 0, out, 6, body.length);
        System.arraycopy(jpeg, 2, out, 6 + body.length, jpeg.length - 2);
        return out;
    }

    /** The body of an Adobe APP14 segment with the given colour transform (0 CMYK/RGB, 1 YCbCr, 2 YCCK). */
    static byte[] adobeApp14(int transform) {
        return new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    }

    /** Whether {@code jpeg} contains the two-byte marker 0xFF {@code marker} (a scan over all bytes). */
    static boolean hasMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return true;
            }
        }
        return false;
    }

    /** A PNG of just signature, IHDR (with a correct CRC) and IEND: all a header reader needs to see. */
    static byte[] pngHeaderOnly(int width, int height, int bitDepth, int colourType) {
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = (byte) bitDepth;
        ihdr[9] = (byte) colourType;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PngHeader.SIGNATURE);
        writeChunk(out, "IHDR", ihdr);
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** {@code png} with its IHDR width and height replaced and the chunk CRC recomputed. */
    static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        putInt(out, 16, width);
        putInt(out, 20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        putInt(out, 29, (int) crc.getValue());
        return out;
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] header = new byte[8];
        putInt(header, 0, data.length);
        for (int i = 0; i < 4; i++) {
            header[4 + i] = (byte) type.charAt(i);
        }
        CRC32 crc = new CRC32();
        crc.update(header, 4, 4);
        crc.update(data);
        byte[] crcBytes = new byte[4];
        putInt(crcBytes, 0, (int) crc.getValue());
        out.writeBytes(header);
        out.writeBytes(data);
        out.writeBytes(crcBytes);
    }

    static void putInt(byte[] b, int pos, int v) {
        b[pos] = (byte) (v >>> 24);
        b[pos + 1] = (byte) (v >>> 16);
        b[pos + 2] = (byte) (v >>> 8);
        b[pos + 3] = (byte) v;
    }

    /** RGB bytes of the pixel at (x, y) of an interleaved RGB array. */
    static int rgbAt(byte[] rgb, int width, int x, int y) {
        int i = (y * width + x) * 3;
        return ((rgb[i] & 0xFF) << 16) | ((rgb[i + 1] & 0xFF) << 8) | (rgb[i + 2] & 0xFF);
    }

    @FunctionalInterface
    interface SampleFunction {
        int at(int x, int y, int band);
    }
}
