package io.flinkvision.flink;

import io.flinkvision.schemas.internal.FrameEnvelope;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness in which frames' capture times lead. A record that is not a frame has
 * no capture time, just a Kafka timestamp from whatever clock its producer had; if it could move
 * the watermark, one garbage record stamped "now" amid replayed frames would make every later frame
 * late for its window. So while a split carries frames, only frames move its watermark.
 *
 * <p>Records that are not frames still count when a split has no frames to go by: before its first
 * frame, or once no frame has come for {@code framelessAfterMillis} of input activity time while
 * other records keep coming (a split that goes silent altogether is handled by idleness instead).
 * Otherwise a topic partition fed only garbage would hold every window back forever.
 */
final class CaptureTimeWatermarks implements WatermarkGenerator<FrameEnvelope> {
    private final long lagMillis;
    private final long framelessAfterMillis;
    private final RelativeClock clock;
    /** Start values chosen so that the first watermark cannot underflow (as Flink's own generator). */
    private long maxCaptureTime;
    private long maxOtherTime;
    private long lastFrameAt;
    private boolean sawFrame;

    /** @param framelessAfterMillis 0: once a split has had a frame, other records never move its watermark */
    CaptureTimeWatermarks(long lagMillis, long framelessAfterMillis, RelativeClock clock) {
        this.lagMillis = lagMillis;
        this.framelessAfterMillis = framelessAfterMillis;
        this.clock = clock;
        this.maxCaptureTime = Long.MIN_VALUE + lagMillis + 1;
        this.maxOtherTime = Long.MIN_VALUE + lagMillis + 1;
    }

    @Override
    public void onEvent(FrameEnvelope envelope, long eventTimestamp, WatermarkOutput output) {
        if (envelope.getFrame() != null) {
            maxCaptureTime = Math.max(maxCaptureTime, eventTimestamp);
            lastFrameAt = clock.relativeTimeMillis();
            sawFrame = true;
        } else {
            maxOtherTime = Math.max(maxOtherTime, eventTimestamp);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        boolean framesLead = sawFrame
                && (framelessAfterMillis == 0 || clock.relativeTimeMillis() - lastFrameAt <= framelessAfterMillis);
        long max = framesLead ? maxCaptureTime : Math.max(maxCaptureTime, maxOtherTime);
        // Nothing at or below max - lag is still to come: max - lag - 1 (Flink's convention).
        output.emitWatermark(new Watermark(max - lagMillis - 1));
    }
}
