package io.flinkvision.demo;

import io.flinkvision.testkit.OutputTopicsReader;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.ObjectCount;
import io.flinkvision.schemas.LabelStat;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.time.format.DateTimeFormatter;

/** Prints one readable line per output record, as the demo's live view. */
final class ConsolePrinter implements OutputTopicsReader.Listener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private final PrintStream out;

    ConsolePrinter() {
        this(System.out);
    }

    ConsolePrinter(PrintStream out) {
        this.out = out;
    }

    /** Objects printed per frame; the rest are counted. */
    static final int MAX_OBJECTS_SHOWN = 8;

    @Override
    public void onLabelled(LabelledFrame frame) {
        // A classifier always reports top-k classes; a detector none, only its boxes (maybe none).
        if (frame.getTopK().isEmpty()) {
            printObjects(frame);
            return;
        }
        Classification top = frame.getTopK().isEmpty() ? null : frame.getTopK().get(0);
        long latency = frame.getLabelledTime().toEpochMilli() - frame.getCaptureTime().toEpochMilli();
        out.printf("labelled  %-8s #%-5d %-28s %.3f  latency %d ms (batch %d)%n",
                frame.getStreamId(), frame.getSequence(),
                top == null ? "-" : truncate(top.getLabel().toString(), 28),
                top == null ? 0.0 : top.getScore(), latency, frame.getTimings().getBatchSize());
    }

    @Override
    public void onDeadLetter(DeadLetter dead) {
        out.printf("dead      %-8s #%-5s %s: %s%n",
                dead.getStreamId() == null ? "?" : dead.getStreamId(),
                dead.getSequence() == null ? "?" : dead.getSequence(),
                dead.getReason(), truncate(dead.getMessage().toString(), 80));
    }

    /** {@code person 0.94 [8,41,512,581] (military uniform 0.52), tie 0.61 [...]}: box in frame pixels. */
    private void printObjects(LabelledFrame frame) {
        long latency = frame.getLabelledTime().toEpochMilli() - frame.getCaptureTime().toEpochMilli();
        out.printf("labelled  %-8s #%-5d %s  latency %d ms (batch %d)%n", frame.getStreamId(), frame.getSequence(),
                objects(frame.getDetections()), latency, frame.getTimings().getBatchSize());
    }

    static String objects(List<Detection> detections) {
        if (detections.isEmpty()) {
            return "no objects";
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < Math.min(detections.size(), MAX_OBJECTS_SHOWN); i++) {
            Detection d = detections.get(i);
            if (i > 0) {
                line.append(", ");
            }
            line.append(String.format(Locale.ROOT, "%s %.2f [%d,%d,%d,%d]", d.getLabel(), d.getScore(),
                    Math.round(d.getXMin()), Math.round(d.getYMin()), Math.round(d.getXMax()), Math.round(d.getYMax())));
            if (!d.getSecondaryTopK().isEmpty()) {
                Classification top = d.getSecondaryTopK().get(0);
                line.append(String.format(Locale.ROOT, " (%s %.2f)", truncate(top.getLabel(), 28), top.getScore()));
            }
        }
        if (detections.size() > MAX_OBJECTS_SHOWN) {
            line.append(", +").append(detections.size() - MAX_OBJECTS_SHOWN).append(" more");
        }
        return line.toString();
    }

    /** {@code person=12 (frames 5, max 3, mean 2.40)} per class, most detections first. */
    static String objectCounts(List<ObjectCount> counts) {
        return counts.stream().map(c -> String.format(Locale.ROOT, "%s=%d (frames %d, max %d, mean %.2f)",
                c.getLabel(), c.getDetections(), c.getFrames(), c.getMaxPerFrame(), c.getMeanPerFrame()))
                .collect(Collectors.joining(", "));
    }

    @Override
    public void onSummary(WindowSummary s) {
        if (!s.getObjects().isEmpty()) {
            out.printf("window    %-8s [%s, %s) in=%d labelled=%d dead=%d objects: %s p50=%d ms p95=%d ms%n",
                    s.getStreamId(), TIME.format(s.getWindowStart()), TIME.format(s.getWindowEnd()),
                    s.getFramesIn(), s.getFramesLabelled(), s.getFramesDeadLettered(), objectCounts(s.getObjects()),
                    s.getLatencyP50Millis(), s.getLatencyP95Millis());
            return;
        }
        LabelStat top = s.getLabels().isEmpty() ? null : s.getLabels().get(0);
        out.printf("window    %-8s [%s, %s) in=%d labelled=%d dead=%d dominant=%s p50=%d ms p95=%d ms%n",
                s.getStreamId(), TIME.format(s.getWindowStart()), TIME.format(s.getWindowEnd()),
                s.getFramesIn(), s.getFramesLabelled(), s.getFramesDeadLettered(),
                top == null ? "-" : truncate(top.getLabel().toString(), 28) + " x" + top.getCount(),
                s.getLatencyP50Millis(), s.getLatencyP95Millis());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
