package io.flinkvision.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        DemoModel model = DemoModel.choose(List.of("--model", "/models/mine.onnx"), false, null);

        assertThat(model.jobArguments()).isEmpty();
        assertThat(model.note()).isNull();
    }

    @Test
    void theSharedB0AndItsLabelsWhenTheSharedFolderIsThere() throws Exception {
        Path models = Files.createDirectories(dir.resolve("shared/models"));
        Files.writeString(models.resolve(SharedData.DEFAULT_MODEL_FILE), "not read here");
        Files.writeString(models.resolve(SharedData.LABELS_FILE), "tench\n");
        System.setProperty(SharedData.PROPERTY, dir.resolve("shared").toString());

        DemoModel model = DemoModel.choose(List.of("--batch-size", "4"), false, null);

        assertThat(model.jobArguments()).containsExactly("--model", models.resolve(SharedData.DEFAULT_MODEL_FILE)
                .toString(), "--labels", models.resolve(SharedData.LABELS_FILE).toString());
        assertThat(model.randomWeights()).isTrue();
    }

    @Test
    void theModelInTheEnvironmentIsLeftToTheJob() {
        assertThat(DemoModel.choose(List.of(), false, "/models/from-env.onnx").jobArguments()).isEmpty();
    }

    @Test
    void withoutTheSharedFolderTheGeneratedB0WithAWarning() {
        System.setProperty(SharedData.PROPERTY, dir.resolve("absent").toString());

        DemoModel model = DemoModel.choose(List.of(), false, null);

        assertThat(model.jobArguments()).hasSize(2).first().isEqualTo("--model");
        assertThat(OfflineFallbackModel.isFallback(Path.of(model.jobArguments().get(1)))).isTrue();
        assertThat(Path.of(model.jobArguments().get(1))).isRegularFile();
        assertThat(model.note()).contains("not found").contains("meaningless");
    }
}
