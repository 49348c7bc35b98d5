package io.flinkvision.core.windows;

import io.flinkvision.core.outcome.FrameOutcomes;
import io.flinkvision.core.outcome.OutcomeKind;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What a window has seen so far: frames labelled and dead-lettered, per top-1 label a count and
 * score sum, and the end-to-end latency (labelled time - capture time, in ms) of each labelled
 * frame. Malformed outcomes count as dead-lettered, as the router turns them into dead letters.
 *
 * <p>A mutable POJO (public no-arg constructor, getters and setters for every field, only types
 * Flink has serializers for: long, int, long[], Map of String to POJO) so that Flink state uses
 * its POJO serializer, not Kryo. Latencies are kept in a growing array with a count, so adding is
 * amortised O(1); every sample is kept because nearest-rank percentiles need them all (a few
 * thousand longs per stream and window at video frame rates).
 */
public class WindowAccumulator {
    private long framesLabelled;
    private long framesDeadLettered;
    private Map<String, LabelTally> labels = new HashMap<>();
    private long[] latencySamplesMillis = new long[0];
    private int latencySampleCount;

    public WindowAccumulator() {}

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
        addLatency(frame.getLabelledTime().toEpochMilli() - frame.getCaptureTime().toEpochMilli());
    }

    private void addLatency(long millis) {
        if (latencySampleCount == latencySamplesMillis.length) {
            latencySamplesMillis = Arrays.copyOf(latencySamplesMillis, Math.max(8, latencySampleCount * 2));
        }
        latencySamplesMillis[latencySampleCount++] = millis;
    }

    /** Adds {@code other}'s counts to this one (merging windows); returns this. */
    public WindowAccumulator merge(WindowAccumulator other) {
        framesLabelled += other.framesLabelled;
        framesDeadLettered += other.framesDeadLettered;
        other.labels.forEach((label, tally) ->
                labels.computeIfAbsent(label, l -> new LabelTally()).addAll(tally));
        for (int i = 0; i < other.latencySampleCount; i++) {
            addLatency(other.latencySamplesMillis[i]);
        }
        return this;
    }

    /** The latency samples, exactly (without the array's spare capacity). */
    public long[] latencies() {
        return Arrays.copyOf(latencySamplesMillis, latencySampleCount);
    }

    public long getFramesLabelled() {
        return framesLabelled;
    }

    public void setFramesLabelled(long framesLabelled) {
        this.framesLabelled = framesLabelled;
    }

    public long getFramesDeadLettered() {
        return framesDeadLettered;
    }

    public void setFramesDeadLettered(long framesDeadLettered) {
        this.framesDeadLettered = framesDeadLettered;
    }

    public Map<String, LabelTally> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, LabelTally> labels) {
        this.labels = labels != null ? labels : new HashMap<>();
    }

    /** For the serializer; holds spare capacity past {@link #getLatencySampleCount()}. */
    public long[] getLatencySamplesMillis() {
        return latencySamplesMillis;
    }

    public void setLatencySamplesMillis(long[] latencySamplesMillis) {
        this.latencySamplesMillis = latencySamplesMillis != null ? latencySamplesMillis : new long[0];
    }

    public int getLatencySampleCount() {
        return latencySampleCount;
    }

    public void setLatencySampleCount(int latencySampleCount) {
        this.latencySampleCount = latencySampleCount;
    }
}
