package io.flinkvision.operators.planner;

import static io.flinkvision.operators.efficientnet.EfficientNetVariant.B0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
