package io.flinkvision.core.sharing;

import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.testkit.SharedData;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.testkit.ReferenceData;
import org.junit.jupiter.api.Test;

/** {@link SharedModels} with the real model: leases share one runner, the last close closes it. */
class SharedModelsTest {

    @Test
    void twoLeasesShareOneRunnerUntilBothClose() throws Exception {
        ModelSpec spec = ModelSpec.builder()
                .modelPath(ReferenceData.requireShared(SharedData.PRETRAINED_STAND_IN_FILE)).build();
        float[][] sample = {new float[spec.preprocess().sampleLength()]};
        int before = SharedModels.openRunners();

        SharedModels.Lease first = SharedModels.acquire(spec, RunnerOptions.cpu(1));
        SharedModels.Lease second = SharedModels.acquire(spec, RunnerOptions.cpu(1));
        assertThat(second.runner()).isSameAs(first.runner());
        assertThat(SharedModels.openRunners()).isEqualTo(before + 1);

        ModelRunner runner = first.runner();
        first.close();
        first.close(); // a double close must not release the second lease's reference
        assertThat(SharedModels.openRunners()).isEqualTo(before + 1);
        assertThat(second.runner().run(sample)[0]).hasSize(1000);
        assertThatThrownBy(first::runner).isInstanceOf(IllegalStateException.class);

        second.close();
        assertThat(SharedModels.openRunners()).isEqualTo(before);
        assertThatThrownBy(() -> runner.run(sample)).isInstanceOf(InferenceException.class);
    }

    @Test
    void differentOptionsGetDifferentRunners() {
        ModelSpec spec = ModelSpec.builder()
                .modelPath(ReferenceData.requireShared(SharedData.PRETRAINED_STAND_IN_FILE)).build();
        int before = SharedModels.openRunners();
        try (SharedModels.Lease one = SharedModels.acquire(spec, RunnerOptions.cpu(1));
                SharedModels.Lease two = SharedModels.acquire(spec, RunnerOptions.cpu(2))) {
            assertThat(two.runner()).isNotSameAs(one.runner());
            assertThat(SharedModels.openRunners()).isEqualTo(before + 2);
        }
        assertThat(SharedModels.openRunners()).isEqualTo(before);
    }
}
