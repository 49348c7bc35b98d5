package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.ReasonCode;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/**
 * JPEG through ImageIO, one reader per call (readers are stateful, and creating one is cheap
 * next to decoding). Grey, YCbCr and RGB files are decoded by libjpeg straight into an RGB byte
 * array that becomes the {@link RgbImage}, with no extra copy; CMYK and YCCK are read raw and
 * converted by {@link CmykConversion}.
 */
final class JpegDecoding {
    private static final ImageReaderSpi SPI = ImageIoReaders.spi("jpeg");
    private static final int[] RGB_OFFSETS = {0, 1, 2};
    private static final ColorModel SRGB = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private JpegDecoding() {}

    static RgbImage decode(JpegHeader header, byte[] payload) throws FrameRejectedException, IOException {
        // Without its ICC profile, ImageIO hands over libjpeg's RGB as is; with it, ImageIO would
        // colour-convert to sRGB, which PIL (the reference pipeline) never does.
        byte[] data = header.iccSegments().length == 0 ? payload : without(payload, header.iccSegments());
        ImageReader reader = SPI.createReaderInstance();
        try {
            DamageWarnings warnings = new DamageWarnings();
            reader.addIIOReadWarningListener(warnings);
            DecodeDeadline.watch(reader);
            reader.setInput(new ByteArrayImageInputStream(data), true, true);
            if (reader.getWidth(0) != header.width() || reader.getHeight(0) != header.height()) {
                throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE, "JPEG frame header read as "
                        + reader.getWidth(0) + "x" + reader.getHeight(0) + ", expected "
                        + header.width() + "x" + header.height());
            }
            RgbImage image = header.components() == 4 ? decodeFourChannel(reader, header) : decodeToRgb(reader, header);
            DecodeDeadline.throwIfAborted();
            warnings.throwIfDamaged();
            return image;
        } finally {
            reader.dispose();
        }
    }

    private static RgbImage decodeToRgb(ImageReader reader, JpegHeader header) throws IOException {
        int width = header.width();
        int height = header.height();
        byte[] pixels = new byte[width * height * 3];
        WritableRaster raster = Raster.createInterleavedRaster(
                new DataBufferByte(pixels, pixels.length), width, height, width * 3, 3, RGB_OFFSETS, null);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setDestination(new BufferedImage(SRGB, raster, false, null));
        reader.read(0, param);
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage decodeFourChannel(ImageReader reader, JpegHeader header) throws IOException {
        // readRaster applies no colour conversion at all: samples arrive as stored
        Raster raw = reader.readRaster(0, null);
        boolean ycck = header.adobeTransform() == 2;
        byte[] rgb = CmykConversion.toRgb(raw, ycck, header.hasAdobeMarker());
        return new RgbImage(raw.getWidth(), raw.getHeight(), rgb);
    }

    /** A copy of {@code data} without the given {@code [start, end)} ranges (ascending, disjoint). */
    static byte[] without(byte[] data, int[] ranges) {
        int removed = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            removed += ranges[i + 1] - ranges[i];
        }
        byte[] out = new byte[data.length - removed];
        int from = 0;
        int to = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            int n = ranges[i] - from;
            System.arraycopy(data, from, out, to, n);
            to += n;
            from = ranges[i + 1];
        }
        System.arraycopy(data, from, out, to, data.length - from);
        return out;
    }
}
