package io.flinkvision.publisher;

import io.flinkvision.publisher.JpegEncoder;
import io.flinkvision.schemas.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * The frames of a video file (any container and codec FFmpeg reads), each re-encoded as a JPEG at
 * the given quality: cameras publish JPEG frames, not H.264 packets.
 */
public final class VideoFileSource implements FrameSource {
    /** Good enough for classification at a third of the size of quality 1. */
    public static final float DEFAULT_JPEG_QUALITY = 0.9f;

    private final Path file;
    private final float jpegQuality;

    public VideoFileSource(Path file) throws IOException {
        this(file, DEFAULT_JPEG_QUALITY);
    }

    /**
     * @param jpegQuality 0 (smallest) to 1 (best)
     * @throws IOException if the file is missing or unreadable (whether FFmpeg can decode it shows on {@link #open()})
     */
    public VideoFileSource(Path file, float jpegQuality) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException("no readable video file: " + file);
        }
        this.file = file;
        this.jpegQuality = JpegEncoder.checkQuality(jpegQuality);
    }

    @Override
    public FrameReader open() throws IOException {
        // FFmpeg prints codec chatter to stderr at its default level; only errors matter here.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            IOException failure = new IOException("FFmpeg cannot read " + file + ": " + e.getMessage(), e);
            try {
                closeGrabber(grabber);
            } catch (IOException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
        return new VideoReader(grabber);
    }

    private final class VideoReader implements FrameReader {
        private final FFmpegFrameGrabber grabber;
        private final Java2DFrameConverter converter = new Java2DFrameConverter();
        private final JpegEncoder encoder = new JpegEncoder(jpegQuality);
        private final String fileName = file.getFileName().toString();
        private long index;
        private boolean closed;

        VideoReader(FFmpegFrameGrabber grabber) {
            this.grabber = grabber;
        }

        @Override
        public EncodedFrame next() throws IOException {
            if (closed) {
                throw new IOException("reader of " + file + " is closed");
            }
            Frame frame;
            try {
                frame = grabber.grabImage();
            } catch (FrameGrabber.Exception e) {
                throw new IOException("cannot decode frame " + index + " of " + file + ": " + e.getMessage(), e);
            }
            if (frame == null) {
                return null;
            }
            // The converter reuses its image between calls; it is encoded before the next grab.
            BufferedImage image = converter.convert(frame);
            byte[] jpeg = encoder.encode(image);
            long frameIndex = index++;
            return new EncodedFrame(FrameEncoding.JPEG, image.getWidth(), image.getHeight(), jpeg, Map.of(
                    "source", fileName,
                    "videoFrame", Long.toString(frameIndex),
                    "videoTimestampMicros", Long.toString(frame.timestamp)));
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                converter.close();
                closeGrabber(grabber);
            }
        }
    }

    private static void closeGrabber(FFmpegFrameGrabber grabber) throws IOException {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception e) {
            throw new IOException("cannot close the video: " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return "video " + file + " (JPEG quality " + jpegQuality + ")";
    }
}
