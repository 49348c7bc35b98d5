package io.flinkvision.operators.image;

import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/** Finds ImageIO reader providers once; the providers are stateless, the readers they make are not. */
final class ImageIoReaders {
    static {
        // Decoding never needs ImageIO's temporary-file cache; the payload is already in memory
        ImageIO.setUseCache(false);
    }

    private ImageIoReaders() {}

    static ImageReaderSpi spi(String formatName) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + formatName + " in this JRE");
        }
        ImageReader reader = readers.next();
        ImageReaderSpi spi = reader.getOriginatingProvider();
        reader.dispose();
        return spi;
    }
}
