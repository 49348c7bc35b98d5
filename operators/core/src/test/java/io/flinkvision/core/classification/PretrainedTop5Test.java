package io.flinkvision.core.classification;

import io.flinkvision.testkit.SharedFixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.testkit.ReferenceData;
import io.flinkvision.schemas.Classification;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** Runner plus {@link TopKClassifier} on the pretrained SqueezeNet reproduce PyTorch's top-5 (indices, labels, probabilities). */
class PretrainedTop5Test {

    @Test
    void top5OfTheSharedPhotosMatchesPyTorch() throws Exception {
        ModelSpec spec = ModelSpec.builder()
                .modelPath(ReferenceData.requireShared(SharedData.PRETRAINED_STAND_IN_FILE))
                .labelsPath(SharedFixtures.labels()).build();
        String dir = "reference/squeezenet1_1_imagenet_fallback/";
        JsonNode manifest = new ObjectMapper().readTree(ReferenceData.requireShared(dir + "manifest.json").toFile());
        JsonNode pytorch = new ObjectMapper()
                .readTree(ReferenceData.requireShared("reference/squeezenet1_1_top5_pytorch.json").toFile())
                .get("top5_softmax_of_scores");
        float[][] photos = ReferenceData.readRows(ReferenceData.requireShared(dir + "photos_b14.input.f32"), 14);

        float[][] rows;
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            rows = runner.run(photos);
        }
        TopKClassifier classifier = new TopKClassifier(spec);
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < 14; i++) {
            String image = manifest.get("image_order").get(i).asText();
            List<Classification> top = classifier.classify(rows[i]);
            JsonNode expected = pytorch.get(image);
            softly.assertThat(top).as(image).hasSize(5);
            for (int j = 0; j < 5; j++) {
                JsonNode e = expected.get(j);
                softly.assertThat(top.get(j).getClassIndex()).as(image + " #" + j).isEqualTo(e.get(0).asInt());
                softly.assertThat(top.get(j).getLabel()).as(image + " #" + j).isEqualTo(e.get(1).asText());
                // PyTorch's probabilities are rounded to 4 decimals.
                softly.assertThat((double) top.get(j).getScore()).as(image + " #" + j)
                        .isCloseTo(e.get(2).asDouble(), within(2e-4));
            }
        }
        softly.assertAll();
        assertThat(pytorch.size()).isEqualTo(14);
    }
}
