package io.flinkvision.core.windows;

import io.flinkvision.core.outcome.FrameOutcomes;
import io.flinkvision.core.outcome.OutcomeKind;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.IntCountsHistogram;

/**
 * What a window has seen so far: frames labelled and dead-lettered, per top-1 label a count and
 * score sum, per detected class its {@link ObjectTally} (empty for classification), and the end-to-end latencies (labelled time - capture time, in ms) of its labelled
 * frames. Malformed outcomes count as dead-lettered, as the router turns them into dead letters.
 *
 * <p>Latencies go into an HdrHistogram of {@value #LATENCY_SIGNIFICANT_DIGITS} significant digits
 * over 0 ms .. {@value #MAX_TRACKED_LATENCY_MILLIS} ms (1 h), so the state is bounded whatever the
 * window's size and rate: about 9 KB in memory, a few KB at most when serialized (see {@link
 * WindowAccumulatorCodec}). A percentile is the nearest-rank one at the histogram's resolution:
 * the highest value of the bucket holding the exact nearest-rank latency, so it is never below the
 * exact value and at most 1% above it (exact below 256 ms). A latency below 0 (a camera clock
 * ahead of the TaskManager's) counts as 0 ms, one above 1 h as 1 h.
 *
 * <p>Flink keeps it in state through its own serializer (in the Flink module), not as a POJO.
 * Not thread-safe, as window state need not be.
 */
public final class WindowAccumulator {
    public static final long MAX_TRACKED_LATENCY_MILLIS = 3_600_000L;
    public static final int LATENCY_SIGNIFICANT_DIGITS = 2;

    private long framesLabelled;
    private long framesDeadLettered;
    private final Map<String, LabelTally> labels;
    private final Map<String, ObjectTally> objects;
    private final IntCountsHistogram latencyMillis;

    public WindowAccumulator() {
        this(0, 0, new HashMap<>(), new HashMap<>(), newLatencyHistogram());
    }

    /** As read back from state: takes ownership of {@code labels}, {@code objects} and {@code latencyMillis}. */
    WindowAccumulator(long framesLabelled, long framesDeadLettered, Map<String, LabelTally> labels,
            Map<String, ObjectTally> objects, IntCountsHistogram latencyMillis) {
        this.framesLabelled = framesLabelled;
        this.framesDeadLettered = framesDeadLettered;
        this.labels = labels;
        this.objects = objects;
        this.latencyMillis = latencyMillis;
    }

    static IntCountsHistogram newLatencyHistogram() {
        // int counts: 4 bytes a bucket instead of 8, and 2^31 frames per bucket is more than a window holds.
        return new IntCountsHistogram(1, MAX_TRACKED_LATENCY_MILLIS, LATENCY_SIGNIFICANT_DIGITS);
    }

    /** Counts one outcome of the window. */
    public WindowAccumulator add(FrameOutcome outcome) {
        if (FrameOutcomes.kind(outcome) == OutcomeKind.LABELLED) {
            addLabelled(outcome.getLabelled());
        } else {
            framesDeadLettered++;
        }
        return this;
    }

    private void addLabelled(LabelledFrame frame) {
        framesLabelled++;
        // A frame with no classes (topK empty) is labelled but has no top-1 label to count.
        if (!frame.getTopK().isEmpty()) {
            Classification top1 = frame.getTopK().get(0);
            labels.computeIfAbsent(top1.getLabel(), label -> new LabelTally()).add(top1.getScore());
        }
        addObjects(frame.getDetections());
        long millis = frame.getLabelledTime().toEpochMilli() - frame.getCaptureTime().toEpochMilli();
        latencyMillis.recordValue(Math.min(Math.max(millis, 0), MAX_TRACKED_LATENCY_MILLIS));
    }

    private void addObjects(java.util.List<Detection> detections) {
        if (detections.isEmpty()) {
            return; // classification, or nothing found: no allocation on that path
        }
        Map<String, Integer> inFrame = new HashMap<>();
        for (Detection d : detections) {
            inFrame.merge(d.getLabel(), 1, Integer::sum);
        }
        inFrame.forEach((label, count) -> objects.computeIfAbsent(label, l -> new ObjectTally()).addFrame(count));
    }

    /** Adds {@code other}'s counts to this one (merging windows); returns this. */
    public WindowAccumulator merge(WindowAccumulator other) {
        framesLabelled += other.framesLabelled;
        framesDeadLettered += other.framesDeadLettered;
        other.labels.forEach((label, tally) ->
                labels.computeIfAbsent(label, l -> new LabelTally()).addAll(tally));
        other.objects.forEach((label, tally) ->
                objects.computeIfAbsent(label, l -> new ObjectTally()).addAll(tally));
        latencyMillis.add(other.latencyMillis);
        return this;
    }

    /** A deep copy, which changes independently of this one. */
    public WindowAccumulator copy() {
        Map<String, LabelTally> labelsCopy = new HashMap<>(labels.size() * 2);
        labels.forEach((label, tally) -> labelsCopy.put(label, new LabelTally(tally.getCount(), tally.getScoreSum())));
        Map<String, ObjectTally> objectsCopy = new HashMap<>(objects.size() * 2);
        objects.forEach((label, tally) -> objectsCopy.put(label,
                new ObjectTally(tally.detections(), tally.frames(), tally.maxPerFrame())));
        return new WindowAccumulator(framesLabelled, framesDeadLettered, labelsCopy, objectsCopy, latencyMillis.copy());
    }

    public long getFramesLabelled() {
        return framesLabelled;
    }

    public long getFramesDeadLettered() {
        return framesDeadLettered;
    }

    /** Per top-1 label, its tally; read-only. */
    public Map<String, LabelTally> getLabels() {
        return Collections.unmodifiableMap(labels);
    }

    /** Per detected class, its tally; read-only. */
    public Map<String, ObjectTally> getObjects() {
        return Collections.unmodifiableMap(objects);
    }

    /** Labelled frames whose latency was recorded (all of them). */
    public long latencyCount() {
        return latencyMillis.getTotalCount();
    }

    /**
     * The {@code percentile}-th latency percentile in ms, nearest rank within the stated error.
     *
     * @param percentile in (0, 100]
     * @param whenEmpty returned when no latency was recorded (there is no such value)
     */
    public long latencyMillisAt(double percentile, long whenEmpty) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        return latencyMillis.getTotalCount() == 0 ? whenEmpty : latencyMillis.getValueAtPercentile(percentile);
    }

    /** For the codec: the histogram itself, not a copy. */
    IntCountsHistogram latencyHistogram() {
        return latencyMillis;
    }

    /** For the codec: the tallies themselves. */
    Map<String, LabelTally> labelTallies() {
        return labels;
    }

    /** For the codec: the object tallies themselves. */
    Map<String, ObjectTally> objectTallies() {
        return objects;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAccumulator other && framesLabelled == other.framesLabelled
                && framesDeadLettered == other.framesDeadLettered && labels.equals(other.labels)
                && objects.equals(other.objects) && latencyMillis.equals(other.latencyMillis);
    }

    @Override
    public int hashCode() {
        return Objects.hash(framesLabelled, framesDeadLettered, labels, latencyMillis.getTotalCount());
    }

    @Override
    public String toString() {
        return "WindowAccumulator{labelled=" + framesLabelled + ", deadLettered=" + framesDeadLettered
                + ", labels=" + labels + ", objects=" + objects + ", latencies=" + latencyMillis.getTotalCount() + '}';
    }
}
