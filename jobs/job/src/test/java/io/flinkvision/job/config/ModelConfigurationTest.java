package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** What the TaskManagers are told about the model, and what the client does when it cannot read it. */
class ModelConfigurationTest {

    private static Configuration settings(Map<String, String> settings) {
        return JobArguments.of(settings, ClassificationJobOptions.class).configuration();
    }

    @Test
    void theTaskManagersGetTheLocationAsAUri() {
        Configuration local = ModelConfiguration.forTaskManagers(settings(Map.of("model", "models/b0.onnx",
                "labels", "models/labels.txt")));
        assertThat(local.get(ClassificationJobOptions.MODEL))
                .isEqualTo(Path.of("models/b0.onnx").toAbsolutePath().toUri().toString());
        assertThat(local.get(ClassificationJobOptions.LABELS)).startsWith("file:/").endsWith("models/labels.txt");
        Configuration remote = ModelConfiguration.forTaskManagers(settings(Map.of("model", "s3://bucket/m/b0.onnx")));
        assertThat(remote.get(ClassificationJobOptions.MODEL)).isEqualTo("s3://bucket/m/b0.onnx");
    }

    @Test
    void aModelThisJvmCannotReadIsLeftToTheTaskManagersButABadPinIsNot() {
        assertThat(ModelConfiguration.specIfReadable(settings(Map.of("model", "s3://bucket/m/b0.onnx")))).isEmpty();
        assertThatThrownBy(() -> ModelConfiguration.specIfReadable(settings(Map.of("model", "s3://bucket/m/b0.onnx",
                "model-sha256", "not-a-digest")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void aModelIsNamedAfterItsLocation() {
        assertThat(ModelConfiguration.nameOf(URI.create("s3://bucket/models/efficientnet_b3.onnx")))
                .isEqualTo("efficientnet_b3");
        assertThat(ModelConfiguration.nameOf(URI.create("hdfs://nn/models/model"))).isEqualTo("model");
    }
}
