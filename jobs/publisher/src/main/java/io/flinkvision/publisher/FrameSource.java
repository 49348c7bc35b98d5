package io.flinkvision.publisher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where published frames come from: a folder of images, a video file, generated images. A source
 * can be read several times (the publisher's --loop), each {@link #open()} starting from the first
 * frame. Implementations are immutable; each reader is used by one thread.
 */
public interface FrameSource {
    /**
     * The source for a path: a folder gives its images ({@link ImageFolderSource}), a file is a
     * video ({@link VideoFileSource}, opened once now so that a file FFmpeg cannot read fails here).
     *
     * @param jpegQuality of the JPEGs re-encoded from a video, 0 to 1
     * @throws IllegalArgumentException with a one-line reason when the path is not usable
     */
    static FrameSource open(Path input, float jpegQuality) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("no such file or folder: " + input);
        }
        try {
            if (Files.isDirectory(input)) {
                return new ImageFolderSource(input);
            }
            FrameSource video = new VideoFileSource(input, jpegQuality);
            video.open().close();
            return video;
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A new pass over the frames, from the first. */
    FrameReader open() throws IOException;

    /** For progress lines and errors, e.g. "images in /data/photos (14 files)". */
    String description();

    /** One pass over a source's frames. */
    interface FrameReader extends AutoCloseable {
        /** The next frame, or null at the end of the pass. */
        EncodedFrame next() throws IOException;

        @Override
        void close() throws IOException;
    }
}
