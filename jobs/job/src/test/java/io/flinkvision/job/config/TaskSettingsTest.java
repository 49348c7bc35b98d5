package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** {@code --task} and the secondary classifier's settings, as parsed and checked before any model loads. */
class TaskSettingsTest {

    private static Configuration parse(String... args) {
        return JobArguments.parse(args, ClassificationJobOptions.class).configuration();
    }

    @Test
    void theTaskIsClassifyByDefaultAndTakesItsThreeFlagValues() {
        assertThat(parse().get(ClassificationJobOptions.TASK)).isEqualTo(JobTask.CLASSIFY);
        assertThat(parse("--task", "detect").get(ClassificationJobOptions.TASK)).isEqualTo(JobTask.DETECT);
        assertThat(parse("--task=detect+classify").get(ClassificationJobOptions.TASK))
                .isEqualTo(JobTask.DETECT_AND_CLASSIFY);
        assertThat(parse("--task", "DETECT+CLASSIFY").get(ClassificationJobOptions.TASK))
                .isEqualTo(JobTask.DETECT_AND_CLASSIFY);
        assertThat(JobTask.CLASSIFY.detects()).isFalse();
        assertThat(JobTask.DETECT_AND_CLASSIFY.detects()).isTrue();
    }

    @Test
    void aTaskThatDoesNotExistIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> parse("--task", "segment"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--task")
                .hasMessageContaining("detect+classify");
    }

    @Test
    void detectAndClassifyNeedsASecondaryModelAndOnlyItTakesOne() {
        assertThatThrownBy(() -> ModelConfiguration.secondarySpec(parse("--task", "detect+classify")))
                .hasMessageContaining("--secondary-model");
        assertThatThrownBy(() -> ModelConfiguration.secondarySpec(parse("--secondary-model", "x.onnx")))
                .hasMessageContaining("--task detect+classify");
        assertThatThrownBy(() -> ModelConfiguration.secondarySpec(
                parse("--task", "detect+classify", "--model", "/no/such/detector.onnx",
                        "--secondary-model", "/no/such/classifier.onnx")))
                .hasMessageContaining("/no/such/classifier.onnx");
        assertThat(ModelConfiguration.secondarySpec(parse("--task", "detect"))).isNull();
    }

    @Test
    void theSecondarySettingsAreCheckedAndOnlyApplyToDetectAndClassify() {
        assertThat(ModelConfiguration.secondarySettings(parse("--task", "detect"))).isNull();
        var settings = ModelConfiguration.secondarySettings(parse("--task", "detect+classify",
                "--secondary-min-score", "0.25", "--secondary-max-boxes", "3"));
        assertThat(settings.minScore()).isEqualTo(0.25f);
        assertThat(settings.maxBoxes()).isEqualTo(3);
        assertThatThrownBy(() -> ModelConfiguration.secondarySettings(parse("--task", "detect+classify",
                "--secondary-max-boxes", "0"))).hasMessageContaining("--secondary-max-boxes");
    }

    @Test
    void detectorSettingsParseAsTheirTypes() {
        Configuration config = parse("--decoder", "yolox", "--score-threshold", "0.4", "--nms-iou", "0.5",
                "--max-detections", "20", "--detector-outputs", "a;b", "--resize-mode", "letterbox_top_left");
        assertThat(config.get(ClassificationJobOptions.DECODER).name()).isEqualTo("YOLOX");
        assertThat(config.get(ClassificationJobOptions.SCORE_THRESHOLD)).isEqualTo(0.4f);
        assertThat(config.get(ClassificationJobOptions.MAX_DETECTIONS)).isEqualTo(20);
        assertThat(config.get(ClassificationJobOptions.DETECTOR_OUTPUTS)).containsExactly("a", "b");
        assertThatThrownBy(() -> parse("--decoder", "ssd")).hasMessageContaining("--decoder");
    }
}
