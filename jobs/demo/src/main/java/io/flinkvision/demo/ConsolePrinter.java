package io.flinkvision.demo;

import io.flinkvision.testkit.OutputTopicsReader;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelStat;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import java.io.PrintStream;
import java.time.ZoneOffset;
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

    @Override
    public void onLabelled(LabelledFrame frame) {
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

    @Override
    public void onSummary(WindowSummary s) {
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
