package io.flinkvision.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Validation messages and derived values of {@link PipelineSettings}. */
class PipelineSettingsTest {

    @Test
    void namesTheOptionToFix() {
        assertThatThrownBy(() -> new PipelineSettings(0, 5, 2, 2, 100)).hasMessageContaining("batch-size");
        assertThatThrownBy(() -> new PipelineSettings(2, -1, 2, 2, 100)).hasMessageContaining("batch-wait");
        assertThatThrownBy(() -> new PipelineSettings(2, 5, 0, 2, 100)).hasMessageContaining("preprocess-threads");
        assertThatThrownBy(() -> new PipelineSettings(2, 5, 2, 0, 100)).hasMessageContaining("batches-in-flight");
        assertThatThrownBy(() -> new PipelineSettings(2, 5, 2, 2, 0)).hasMessageContaining("max-pixels");
    }

    @Test
    void derivesTheWaitAndTheFramesNeededInFlight() {
        PipelineSettings settings = new PipelineSettings(8, 5, 2, 3, 100);
        assertThat(settings.maxWait()).isEqualTo(Duration.ofMillis(5));
        assertThat(settings.minFramesInFlight()).isEqualTo(32);
        assertThat(PipelineSettings.defaults().minFramesInFlight()).isEqualTo(6);
    }
}
