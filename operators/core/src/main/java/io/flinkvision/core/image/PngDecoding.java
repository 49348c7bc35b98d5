package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.ReasonCode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/** PNG through ImageIO, one reader per call; {@link RasterToRgb} normalises every PNG colour type. */
final class PngDecoding {
    private static final ImageReaderSpi SPI = ImageIoReaders.spi("png");

    private PngDecoding() {}

    static RgbImage decode(PngHeader header, byte[] payload) throws FrameRejectedException, IOException {
        ImageReader reader = SPI.createReaderInstance();
        try {
            DamageWarnings warnings = new DamageWarnings();
            reader.addIIOReadWarningListener(warnings);
            DecodeDeadline.watch(reader);
            reader.setInput(new ByteArrayImageInputStream(payload), true, true);
            BufferedImage image = reader.read(0);
            DecodeDeadline.throwIfAborted();
            warnings.throwIfDamaged();
            if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
                throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE, "PNG decoded as "
                        + image.getWidth() + "x" + image.getHeight() + ", IHDR says "
                        + header.width() + "x" + header.height());
            }
            return RasterToRgb.convert(image);
        } finally {
            reader.dispose();
        }
    }
}
