package io.flinkvision.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.FrameTimings;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ModelIdentity;
import io.flinkvision.schemas.ObjectCount;
import io.flinkvision.schemas.WindowSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's lines for detections: each object with its score and box, and per-class counts per window. */
class ConsolePrinterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ConsolePrinter printer = new ConsolePrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private static Detection box(String label, float score, float x1, float y1, float x2, float y2,
            List<Classification> secondary) {
        return Detection.newBuilder().setClassIndex(0).setLabel(label).setScore(score).setXMin(x1).setYMin(y1)
                .setXMax(x2).setYMax(y2).setSecondaryTopK(secondary).build();
    }

    @Test
    void aDetectorsFrameIsOneLineWithEveryObject() {
        LabelledFrame frame = LabelledFrame.newBuilder().setStreamId("cam-0").setSequence(12)
                .setCaptureTime(Instant.ofEpochMilli(1_000)).setSourcePartition(0).setSourceOffset(3)
                .setWidth(640).setHeight(600).setModel(new ModelIdentity("yolox", "00")).setTopK(List.of())
                .setDetections(List.of(
                        box("person", 0.941f, 8.2f, 40.6f, 511.9f, 581.4f, List.of(new Classification(652, "military uniform", 0.52f))),
                        box("tie", 0.61f, 200f, 300f, 240.5f, 420f, List.of())))
                .setTimings(new FrameTimings(0L, 0L, 0L, 1)).setLabelledTime(Instant.ofEpochMilli(1_050)).build();

        printer.onLabelled(frame);

        String line = bytes.toString(StandardCharsets.UTF_8);
        assertThat(line).contains("cam-0", "#12",
                "person 0.94 [8,41,512,581] (military uniform 0.52), tie 0.61 [200,300,241,420]", "latency 50 ms");
        assertThat(line.lines()).hasSize(1);
    }

    @Test
    void aWindowOfADetectorListsItsObjectCounts() {
        WindowSummary window = WindowSummary.newBuilder().setStreamId("cam-0").setWindowStart(Instant.EPOCH)
                .setWindowEnd(Instant.ofEpochMilli(5_000)).setFramesIn(4).setFramesLabelled(4).setFramesDeadLettered(0)
                .setLabels(List.of()).setLatencyP50Millis(10).setLatencyP95Millis(20)
                .setObjects(List.of(new ObjectCount("person", 6L, 3L, 3, 1.5), new ObjectCount("cup", 1L, 1L, 1, 0.25)))
                .build();

        printer.onSummary(window);

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("objects: person=6 (frames 3, max 3, mean 1.50), cup=1 (frames 1, max 1, mean 0.25)");
    }
}
