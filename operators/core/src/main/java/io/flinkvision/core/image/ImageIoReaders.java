package io.flinkvision.core.image;

import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/** Finds ImageIO reader providers once; the providers are stateless, the readers they make are not. */
final class ImageIoReaders {
    private static final String JDK_PLUGINS = "com.sun.imageio.plugins.";

    private ImageIoReaders() {}

    /**
     * The JDK's own reader for the format, even when a plugin on the classpath registered another
     * first: the decoders rely on its documented behaviour (raw rasters, libjpeg warnings).
     */
    static ImageReaderSpi spi(String formatName) {
        ImageReaderSpi first = null;
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            ImageReaderSpi spi = reader.getOriginatingProvider();
            reader.dispose();
            if (spi.getClass().getName().startsWith(JDK_PLUGINS)) {
                return spi;
            }
            if (first == null) {
                first = spi;
            }
        }
        if (first == null) {
            throw new IllegalStateException("no ImageIO reader for " + formatName + " in this JRE");
        }
        return first;
    }
}
