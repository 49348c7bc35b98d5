package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.runtime.DevicePlacement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana's dashboard queries only metrics that {@link InferenceMetrics} really registers, under
 * the names Flink's Prometheus reporter gives them: a renamed metric must not leave a panel empty.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("../../deploy/grafana/flink-vision-inference.json");
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    private static final Pattern QUERIED = Pattern.compile(OPERATOR + "([A-Za-z0-9_]+)");

    @Test
    void everyQueriedMetricIsOneTheInferenceOperatorExports() throws Exception {
        Set<String> exported = prometheusNames();
        Set<String> queried = new TreeSet<>();
        Matcher m = QUERIED.matcher(Files.readString(DASHBOARD));
        while (m.find()) {
            queried.add(m.group(1));
        }
        assertThat(queried).as("metrics the dashboard queries").isNotEmpty().isSubsetOf(exported);
        // Each of the pipeline's own metrics has a panel.
        assertThat(queried).contains("framesIn", "framesLabelled", "framesDeadLettered", "reason_framesDeadLettered",
                "batchSize", "inferenceLatencyMillis", "deviceName_inferenceDevice", "fellBackToCpu");
    }

    /**
     * What the reporter exports of an InferenceMetrics: a key/value group becomes {@code key_} in the
     * name (its value a label), a histogram also {@code _count}; gauges only when numeric.
     */
    private static Set<String> prometheusNames() {
        RecordingMetricGroup group = new RecordingMetricGroup();
        new InferenceMetrics(group).reportDevice(DevicePlacement.cpu());
        Set<String> names = new TreeSet<>();
        group.metrics.forEach((dotted, metric) -> {
            String[] parts = dotted.split("\\.");
            // name, or key.value.name for a metric under a key/value group
            String name = parts.length == 3 ? parts[0] + "_" + parts[2] : parts[parts.length - 1];
            if (isExported(metric)) {
                names.add(name);
                if (metric instanceof Histogram) {
                    names.add(name + "_count");
                }
            }
        });
        return names;
    }

    private static boolean isExported(Metric metric) {
        return !(metric instanceof Gauge<?> gauge) || gauge.getValue() instanceof Number
                || gauge.getValue() instanceof Boolean;
    }
}
