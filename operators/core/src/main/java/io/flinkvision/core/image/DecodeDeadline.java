package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.ReasonCode;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;

/**
 * A time limit for the decodes of the calling thread. ImageIO's readers cannot be aborted from
 * another thread (the JPEG reader refuses calls from any thread but the one reading), but they call
 * their progress listeners on the reading thread every few rows, and an abort from there stops the
 * decode: so the limit is checked there, and a reader past it aborts itself and the decode fails
 * with DECODE_TIMEOUT. The decoding thread is never left behind.
 *
 * <p>{@code try (DecodeDeadline d = DecodeDeadline.start(nanos)) { decoder.decode(...); }}; without a
 * deadline started, decodes are not limited.
 */
public final class DecodeDeadline implements AutoCloseable {
    private static final ThreadLocal<DecodeDeadline> CURRENT = new ThreadLocal<>();

    private final long deadlineNanos;
    private final long timeoutNanos;
    private volatile boolean aborted;

    private DecodeDeadline(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /** Limits this thread's decodes to {@code timeoutNanos} from now, until {@link #close()}. */
    public static DecodeDeadline start(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the decode timeout must be positive, got " + timeoutNanos + " ns");
        }
        DecodeDeadline deadline = new DecodeDeadline(timeoutNanos);
        CURRENT.set(deadline);
        return deadline;
    }

    /** Whether a reader stopped because the deadline passed. */
    public boolean aborted() {
        return aborted;
    }

    @Override
    public void close() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /** Before a decode starts: fails at once when the deadline has already passed. */
    static void checkNotPassed() throws FrameRejectedException {
        DecodeDeadline d = CURRENT.get();
        if (d != null && System.nanoTime() - d.deadlineNanos > 0) {
            d.aborted = true;
            throw d.timedOut();
        }
    }

    /** Makes {@code reader} abort itself once this thread's deadline passes; no deadline, nothing. */
    static void watch(ImageReader reader) {
        DecodeDeadline d = CURRENT.get();
        if (d != null) {
            reader.addIIOReadProgressListener(d.new Watch());
        }
    }

    /** After a read: a reader that aborted returned a partial image, which must not be used. */
    static void throwIfAborted() throws FrameRejectedException {
        DecodeDeadline d = CURRENT.get();
        if (d != null && d.aborted) {
            throw d.timedOut();
        }
    }

    private FrameRejectedException timedOut() {
        return new FrameRejectedException(ReasonCode.DECODE_TIMEOUT, "decoding took longer than the decode timeout of "
                + timeoutNanos / 1_000_000 + " ms (decode-timeout); the decode was aborted");
    }

    private final class Watch implements IIOReadProgressListener {
        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (!aborted && System.nanoTime() - deadlineNanos > 0) {
                aborted = true;
                source.abort(); // on the reading thread: the one call ImageIO's readers accept mid-read
            }
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {}

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}

        @Override
        public void readAborted(ImageReader source) {}
    }
}
