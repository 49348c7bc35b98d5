package io.flinkvision.core.windows;

import io.flinkvision.schemas.LabelStat;
import io.flinkvision.schemas.ObjectCount;
import io.flinkvision.schemas.WindowSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns a window's {@link WindowAccumulator} into the {@link WindowSummary} that is published. */
public final class WindowSummaryBuilder {
    /** Reported as latency percentile when the window labelled nothing. */
    public static final long NO_LATENCY = -1L;

    /** Most frequent first; ties by label, so the order (and the dominant label) is deterministic. */
    static final Comparator<LabelStat> MOST_FREQUENT_FIRST =
            Comparator.comparingLong(LabelStat::getCount).reversed().thenComparing(LabelStat::getLabel);

    /** Most detections first; ties by label. */
    static final Comparator<ObjectCount> MOST_DETECTED_FIRST =
            Comparator.comparingLong(ObjectCount::getDetections).reversed().thenComparing(ObjectCount::getLabel);

    private WindowSummaryBuilder() {}

    /**
     * @param windowStart inclusive
     * @param windowEnd exclusive
     */
    public static WindowSummary build(String streamId, Instant windowStart, Instant windowEnd,
                                      WindowAccumulator accumulator) {
        List<LabelStat> labels = labelStats(accumulator);
        return WindowSummary.newBuilder()
                .setStreamId(streamId)
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setFramesIn(accumulator.getFramesLabelled() + accumulator.getFramesDeadLettered())
                .setFramesLabelled(accumulator.getFramesLabelled())
                .setFramesDeadLettered(accumulator.getFramesDeadLettered())
                .setLabels(labels)
                .setDominantLabel(labels.isEmpty() ? null : labels.get(0).getLabel())
                .setLatencyP50Millis(accumulator.latencyMillisAt(50, NO_LATENCY))
                .setLatencyP95Millis(accumulator.latencyMillisAt(95, NO_LATENCY))
                .setObjects(objectCounts(accumulator))
                .build();
    }

    private static List<LabelStat> labelStats(WindowAccumulator accumulator) {
        List<LabelStat> stats = new ArrayList<>(accumulator.getLabels().size());
        accumulator.getLabels().forEach((label, tally) ->
                stats.add(new LabelStat(label, tally.getCount(), tally.meanScore())));
        stats.sort(MOST_FREQUENT_FIRST);
        return stats;
    }

    private static List<ObjectCount> objectCounts(WindowAccumulator accumulator) {
        List<ObjectCount> counts = new ArrayList<>(accumulator.getObjects().size());
        long frames = accumulator.getFramesLabelled();
        accumulator.getObjects().forEach((label, tally) -> counts.add(new ObjectCount(label, tally.detections(),
                tally.frames(), tally.maxPerFrame(), frames == 0 ? 0.0 : (double) tally.detections() / frames)));
        counts.sort(MOST_DETECTED_FIRST);
        return counts;
    }
}
