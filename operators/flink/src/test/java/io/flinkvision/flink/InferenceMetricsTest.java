package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.core.runtime.DevicePlacement;
import org.junit.jupiter.api.Test;

/** What {@link InferenceMetrics} registers and how the pipeline's callbacks move it. */
class InferenceMetricsTest {
    private final RecordingMetricGroup group = new RecordingMetricGroup();
    private final InferenceMetrics metrics = new InferenceMetrics(group);

    @Test
    void countsFramesByOutcomeAndDeadLettersByReason() {
        metrics.frameIn();
        metrics.frameIn();
        metrics.frameIn();
        metrics.labelled();
        metrics.deadLettered(ReasonCode.CORRUPT_IMAGE);
        metrics.deadLettered(null);

        assertThat(group.count("framesIn")).isEqualTo(3);
        assertThat(group.count("framesLabelled")).isEqualTo(1);
        assertThat(group.count("framesDeadLettered")).isEqualTo(2);
        assertThat(group.count("reason.CORRUPT_IMAGE.framesDeadLettered")).isEqualTo(1);
        assertThat(group.count("reason.UNKNOWN.framesDeadLettered")).isEqualTo(1);
        assertThat(group.count("reason.INFERENCE_TIMEOUT.framesDeadLettered")).isZero();
    }

    @Test
    void recordsBatchSizesAndInferenceLatencyInMillis() {
        metrics.batchRun(2, 5_000_000);
        metrics.batchRun(4, 7_900_000);

        assertThat(group.count("batches")).isEqualTo(2);
        assertThat(group.histogram("batchSize").getCount()).isEqualTo(2);
        assertThat(group.histogram("batchSize").getStatistics().getMax()).isEqualTo(4);
        assertThat(group.histogram("inferenceLatencyMillis").getStatistics().getMin()).isEqualTo(5);
        assertThat(group.histogram("inferenceLatencyMillis").getStatistics().getMax()).isEqualTo(7);
    }

    @Test
    void reportsTheDeviceItRunsOn() {
        metrics.reportDevice(DevicePlacement.cuda(1));

        assertThat(group.gaugeValue("device")).isEqualTo("cuda:1");
        assertThat(group.gaugeValue("fellBackToCpu")).isEqualTo(0);
    }

    @Test
    void reportsAFallBackFromCudaToCpu() {
        metrics.reportDevice(DevicePlacement.fellBackFromCuda(1));

        assertThat(group.gaugeValue("device")).isEqualTo("cpu");
        assertThat(group.gaugeValue("fellBackToCpu")).isEqualTo(1);
    }

    @Test
    void cpuAskedForIsNoFallBack() {
        metrics.reportDevice(DevicePlacement.cpu());

        assertThat(group.gaugeValue("device")).isEqualTo("cpu");
        assertThat(group.gaugeValue("fellBackToCpu")).isEqualTo(0);
    }
}
