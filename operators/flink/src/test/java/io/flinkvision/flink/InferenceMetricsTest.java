package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.pipeline.FrameResult;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.ReasonCode;
import java.util.List;
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
        // Numeric, with the device as the group's value: what a Prometheus label can show.
        assertThat(group.gaugeValue("deviceName.cuda:1.inferenceDevice")).isEqualTo(1);
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

    @Test
    void aDetectorsOperatorRecordsBoxesNmsTimeAndSecondaryClassificationsPerFrame() {
        RecordingMetricGroup detectorGroup = new RecordingMetricGroup();
        InferenceMetrics detector = new InferenceMetrics(detectorGroup, true);
        Detection box = Detection.newBuilder().setClassIndex(0).setLabel("person").setScore(0.9f)
                .setXMin(0).setYMin(0).setXMax(1).setYMax(1).build();
        detector.decoded(new FrameResult(List.of(), List.of(box, box, box), 42_000, 2));
        detector.decoded(new FrameResult(List.of(), List.of(), 7_000, 0));

        assertThat(detectorGroup.histogram("detectionsPerFrame").getCount()).isEqualTo(2);
        assertThat(detectorGroup.histogram("detectionsPerFrame").getStatistics().getMax()).isEqualTo(3);
        assertThat(detectorGroup.histogram("nmsMicros").getStatistics().getMax()).isEqualTo(42);
        assertThat(detectorGroup.histogram("nmsMicros").getStatistics().getMin()).isEqualTo(7);
        assertThat(detectorGroup.histogram("secondaryClassificationsPerFrame").getStatistics().getMax()).isEqualTo(2);
    }

    @Test
    void aClassifiersOperatorHasNoDetectionHistograms() {
        metrics.decoded(FrameResult.classified(List.of()));
        assertThat(group.metrics.containsKey("detectionsPerFrame")).isFalse();
        assertThat(group.metrics.containsKey("nmsMicros")).isFalse();
    }
}
