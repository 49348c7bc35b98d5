package io.flinkvision.core.windows;

import java.util.Objects;

/**
 * One detected class in a window: its boxes over all labelled frames, the frames that had at least
 * one, and the most in one frame. The mean per frame is derived when the window fires (detections /
 * frames labelled), so merging two tallies stays exact.
 *
 * <p>Mutable, as window state is; {@link WindowAccumulatorCodec} writes it into state.
 */
public final class ObjectTally {
    private long detections;
    private long frames;
    private int maxPerFrame;

    public ObjectTally() {}

    public ObjectTally(long detections, long frames, int maxPerFrame) {
        this.detections = detections;
        this.frames = frames;
        this.maxPerFrame = maxPerFrame;
    }

    /** One frame that held {@code count} (> 0) boxes of the class. */
    void addFrame(int count) {
        detections += count;
        frames++;
        maxPerFrame = Math.max(maxPerFrame, count);
    }

    void addAll(ObjectTally other) {
        detections += other.detections;
        frames += other.frames;
        maxPerFrame = Math.max(maxPerFrame, other.maxPerFrame);
    }

    public long detections() {
        return detections;
    }

    public long frames() {
        return frames;
    }

    public int maxPerFrame() {
        return maxPerFrame;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectTally other && detections == other.detections && frames == other.frames
                && maxPerFrame == other.maxPerFrame;
    }

    @Override
    public int hashCode() {
        return Objects.hash(detections, frames, maxPerFrame);
    }

    @Override
    public String toString() {
        return "ObjectTally{detections=" + detections + ", frames=" + frames + ", max=" + maxPerFrame + '}';
    }
}
