package io.flinkvision.jobs.publisher;

import java.io.IOException;

/**
 * Where published frames come from: a folder of images, a video file, generated images. A source
 * can be read several times (the publisher's --loop), each {@link #open()} starting from the first
 * frame. Implementations are immutable; each reader is used by one thread.
 */
public interface FrameSource {
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
