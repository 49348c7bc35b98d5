package io.flinkvision.planner;

import static io.flinkvision.modelgen.efficientnet.EfficientNetVariant.B0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.flinkvision.core.model.OnnxEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner end to end on a generated B0 and real ONNX Runtime: measure, cache, recommend, chart. */
class CapacityPlannerTest {
    @TempDir
    Path tmp;

    private String run(PlannerOptions options, Recommendation[] result) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            result[0] = CapacityPlanner.run(options, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void measuresOnceThenAnswersFromTheCacheWithTheSameRecommendation() throws Exception {
        Path chart = tmp.resolve("plan.png");
        PlannerOptions options = PlannerOptions.parse("--variants", "B0", "--streams", "2", "--fps", "5",
                "--latency-budget-ms", "5000", "--batch-sizes", "1,2", "--seconds", "0.3",
                "--cache", tmp.resolve("cache").toString(), "--chart", chart.toString());
        Recommendation[] first = new Recommendation[1];

        String measured = run(options, first);

        List<String> lines = measured.lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches("recommend variant=B0 slots=[0-9]+ fps_per_slot=[0-9]+\\.[0-9]");
        assertThat(measured).contains("B0: measured on cpu");
        Measurement best = first[0].chosen().best().orElseThrow();
        assertThat(best.framesPerSecond()).isPositive();
        assertThat(best.batches()).isGreaterThanOrEqualTo(Measurer.MIN_BATCHES);
        assertThat(first[0].chosen().slotsNeeded())
                .isEqualTo(Recommendation.slotsFor(10, best.framesPerSecond()));
        assertThat(chart).isNotEmptyFile();
        assertThat(Files.list(tmp.resolve("cache/models"))).singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo("efficientnet_b0_seed0.onnx"));

        Recommendation[] second = new Recommendation[1];
        String cached = run(options, second);

        assertThat(cached).contains("B0: cached").doesNotContain("measured on");
        assertThat(second[0].chosen().best()).contains(best);
        assertThat(cached.lines().toList()).last().isEqualTo(lines.get(lines.size() - 1));
        assertThat(second[0].chosen().variant()).isEqualTo(B0);
    }

    @Test
    void countingThePixelPathLowersThroughputByExactlyItsMeasuredCost() throws Exception {
        String cache = tmp.resolve("cache").toString();
        String[] target = {"--variants", "B0", "--streams", "1", "--fps", "5", "--latency-budget-ms", "5000",
                "--batch-sizes", "1", "--seconds", "0.3", "--cache", cache};
        Recommendation[] modelOnly = new Recommendation[1];
        run(PlannerOptions.parse(target), modelOnly);
        String[] withFrame = Stream.concat(Arrays.stream(target),
                Stream.of("--frame", "640x480")).toArray(String[]::new);
        Recommendation[] withPixels = new Recommendation[1];

        String report = run(PlannerOptions.parse(withFrame), withPixels);

        assertThat(report).contains("B0: cached").contains("decode + preprocess 640x480 JPEG to 224 px")
                .contains("pixel_ms").contains("include decoding + preprocessing a 640x480 JPEG");
        double pixelMillis = new MeasurementCache(tmp.resolve("cache"))
                .readPixelCost(HardwareFingerprint.current(OnnxEnvironment.get()
                        .getVersion(), "cpu", 1), B0, 640, 480).orElseThrow();
        assertThat(pixelMillis).isPositive();
        Measurement model = modelOnly[0].chosen().best().orElseThrow();
        Measurement total = withPixels[0].chosen().best().orElseThrow();
        assertThat(1000 / total.framesPerSecond())
                .isCloseTo(1000 / model.framesPerSecond() + pixelMillis, offset(1e-9));
        assertThat(total.p99Millis()).isCloseTo(model.p99Millis() + pixelMillis,
                offset(1e-9));
    }
}
