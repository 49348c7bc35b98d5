package io.flinkvision.publisher;

import io.flinkvision.schemas.FrameEncoding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Recognises JPEG and PNG bytes and reads their size from the header, without decoding pixels. */
final class ImageHeaders {
    /** Width and height in pixels; 0 x 0 when the header cannot be read. */
    record Size(int width, int height) {
        static final Size UNKNOWN = new Size(0, 0);
    }

    private ImageHeaders() {}

    /** The encoding the bytes start with, or null if they are neither JPEG nor PNG. */
    static FrameEncoding sniff(byte[] bytes) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return FrameEncoding.JPEG;
        }
        if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[4] == '\r' && bytes[5] == '\n' && bytes[6] == 0x1a && bytes[7] == '\n') {
            return FrameEncoding.PNG;
        }
        return null;
    }

    /** The size in the image's header; {@link Size#UNKNOWN} if no reader understands it. */
    static Size size(byte[] bytes) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Size.UNKNOWN;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Size(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // A damaged file is still published (the job dead-letters it); its size is just unknown.
            return Size.UNKNOWN;
        }
    }
}
