package io.flinkvision.tests;

import io.flinkvision.modelgen.efficientnet.EfficientNetOnnxGenerator;
import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.TensorLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated fallback B0 is a model the pipeline accepts, and it is generated only once. */
class OfflineFallbackModelTest {

    @Test
    void generatesAnEfficientNetB0ThePipelineCanUseAndReusesIt(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("models").resolve(OfflineFallbackModel.FILE_NAME);
        Path model = OfflineFallbackModel.ensure(target);

        ModelSpec spec = ModelSpec.builder().modelPath(model).build();
        assertThat(spec.inputName()).isEqualTo(EfficientNetOnnxGenerator.INPUT_NAME);
        assertThat(spec.preprocess().layout()).isEqualTo(TensorLayout.NCHW);
        assertThat(spec.preprocess().width()).isEqualTo(224);
        assertThat(spec.outputLength()).isEqualTo(1000);
        assertThat(OfflineFallbackModel.isFallback(model)).isTrue();

        FileTime written = Files.getLastModifiedTime(model);
        String sha = spec.sha256();
        Thread.sleep(20);
        assertThat(OfflineFallbackModel.ensure(target)).isEqualTo(model);
        assertThat(Files.getLastModifiedTime(model)).isEqualTo(written);
        assertThat(ModelSpec.builder().modelPath(model).build().sha256()).isEqualTo(sha);
        try (var files = Files.list(target.getParent())) {
            assertThat(files.filter(p -> p.toString().endsWith(".partial"))).isEmpty();
        }
    }
}
