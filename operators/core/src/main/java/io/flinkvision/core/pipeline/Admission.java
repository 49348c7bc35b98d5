package io.flinkvision.core.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Admission by bytes and by count: a frame is admitted while the frames admitted and not ended hold
 * fewer than {@code maxFrames} frames and, with it, at most {@code maxBytes} payload bytes; otherwise
 * its caller waits for room, at most the admission timeout. One frame alone is always admitted, so a
 * frame larger than the byte limit cannot wait for ever. Bytes are released when the frame ends (its
 * future completes), whoever ends it.
 */
final class Admission {
    private final long maxBytes;
    private final int maxFrames;
    private long bytes;
    private int frames;
    private long peakBytes;
    private int peakFrames;
    private boolean closed;

    Admission(long maxBytes, int maxFrames) {
        this.maxBytes = maxBytes;
        this.maxFrames = maxFrames;
    }

    /**
     * @return false when there was no room within {@code timeoutNanos}, when interrupted (the flag is
     *     kept) or once closed
     */
    synchronized boolean acquire(long frameBytes, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!closed && frames > 0 && (frames >= maxFrames || bytes + frameBytes > maxBytes)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (closed) {
            return false;
        }
        bytes += frameBytes;
        frames++;
        peakBytes = Math.max(peakBytes, bytes);
        peakFrames = Math.max(peakFrames, frames);
        return true;
    }

    synchronized void release(long frameBytes) {
        bytes -= frameBytes;
        frames--;
        notifyAll();
    }

    /** Wakes every waiter, which is then not admitted. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized long bytesInFlight() {
        return bytes;
    }

    synchronized int framesInFlight() {
        return frames;
    }

    synchronized long peakBytesInFlight() {
        return peakBytes;
    }

    synchronized int peakFramesInFlight() {
        return peakFrames;
    }
}
