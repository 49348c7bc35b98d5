package io.flinkvision.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo, not the job, picks a model when the user names none; random weights are always flagged. */
class DemoModelTest {
    @TempDir
    Path dir;
    private String previousShared;

    @BeforeEach
    void rememberShared() {
        previousShared = System.getProperty(SharedData.PROPERTY);
    }

    @AfterEach
    void restoreShared() {
        if (previousShared == null) {
            System.clearProperty(SharedData.PROPERTY);
        } else {
            System.setProperty(SharedData.PROPERTY, previousShared);
        }
    }

    @Test
    void aModelTheUserNamesIsPassedThroughUntouched() {
        DemoModel model = DemoModel.choose(Map.of("model", "/models/mine.onnx"), false, null);

        assertThat(model.jobSettings()).isEmpty();
        assertThat(model.note()).isNull();
    }

    @Test
    void theSharedB0AndItsLabelsWhenTheSharedFolderIsThere() throws Exception {
        Path models = Files.createDirectories(dir.resolve("shared/models"));
        Files.writeString(models.resolve(SharedData.DEFAULT_MODEL_FILE), "not read here");
        Files.writeString(models.resolve(SharedData.LABELS_FILE), "tench\n");
        System.setProperty(SharedData.PROPERTY, dir.resolve("shared").toString());

        DemoModel model = DemoModel.choose(Map.of("batch-size", "4"), false, null);

        assertThat(model.jobSettings()).containsExactly(
                Map.entry("model", models.resolve(SharedData.DEFAULT_MODEL_FILE).toString()),
                Map.entry("labels", models.resolve(SharedData.LABELS_FILE).toString()));
        assertThat(model.randomWeights()).isTrue();
    }

    @Test
    void detectionRunsTheSharedStandInAndDetectThenClassifyAddsTheSqueezeNet() throws Exception {
        Path models = Files.createDirectories(dir.resolve("shared/models"));
        for (String file : new String[] {SharedData.DETECTOR_STAND_IN_FILE, SharedData.COCO_LABELS_FILE,
                SharedData.PRETRAINED_STAND_IN_FILE, SharedData.LABELS_FILE}) {
            Files.writeString(models.resolve(file), "not read here");
        }
        System.setProperty(SharedData.PROPERTY, dir.resolve("shared").toString());

        DemoModel detect = DemoModel.choose(Map.of("task", "detect"), false, null);
        assertThat(detect.jobSettings()).containsExactly(
                Map.entry("model", models.resolve(SharedData.DETECTOR_STAND_IN_FILE).toString()),
                Map.entry("labels", models.resolve(SharedData.COCO_LABELS_FILE).toString()));
        assertThat(detect.note()).contains("YOLOX-nano");

        DemoModel both = DemoModel.choose(Map.of("task", "detect+classify", "model", "/m/det.onnx"), false, null);
        assertThat(both.jobSettings()).containsExactly(
                Map.entry("secondary-model", models.resolve(SharedData.PRETRAINED_STAND_IN_FILE).toString()),
                Map.entry("secondary-labels", models.resolve(SharedData.LABELS_FILE).toString()));
    }

    @Test
    void detectionWithoutTheSharedFolderNeedsAModel() {
        System.setProperty(SharedData.PROPERTY, dir.resolve("nothing-here").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoModel.choose(Map.of("task", "detect"), false, null))
                .hasMessageContaining("--model PATH");
    }

    @Test
    void theModelInTheEnvironmentIsLeftToTheJob() {
        assertThat(DemoModel.choose(Map.of(), false, "/models/from-env.onnx").jobSettings()).isEmpty();
    }

    @Test
    void withoutTheSharedFolderTheGeneratedB0WithAWarning() {
        System.setProperty(SharedData.PROPERTY, dir.resolve("absent").toString());

        DemoModel model = DemoModel.choose(Map.of(), false, null);

        assertThat(model.jobSettings()).containsOnlyKeys("model");
        assertThat(OfflineFallbackModel.isFallback(Path.of(model.jobSettings().get("model")))).isTrue();
        assertThat(Path.of(model.jobSettings().get("model"))).isRegularFile();
        assertThat(model.note()).contains("not found").contains("meaningless");
    }
}
