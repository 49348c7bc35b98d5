package io.flinkvision.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.testkit.SharedData;
import io.flinkvision.testkit.ReferenceData;
import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.core.testing.TinyOnnx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelSpec}: contract read from real and tiny ONNX models, overrides, validation messages, serialisation. */
class ModelSpecTest {
    /** From models/PROVENANCE.md, not computed by the code under test. */
    private static final String BNCAL_SHA256 = "c91fe3fd187baae0636414688807ef2a3a98a924ac0499abdd646e6f4fc48be3";

    @TempDir
    Path tmp;

    private static Path bncal() {
        return ReferenceData.requireShared(SharedData.DEFAULT_MODEL_FILE);
    }

    @Test
    void readsTheEfficientNetContractFromTheModel() {
        ModelSpec spec = ModelSpec.builder().modelPath(bncal()).labelsPath(SharedFixtures.labels()).build();

        assertThat(spec.inputName()).isEqualTo("input");
        assertThat(spec.inputShape()).containsExactly(-1, 3, 224, 224);
        assertThat(spec.fixedBatchSize()).isZero();
        PreprocessSpec p = spec.preprocess();
        assertThat(p.layout()).isEqualTo(TensorLayout.NCHW);
        assertThat(p.elementType()).isEqualTo(InputElementType.FLOAT32);
        assertThat(p.width()).isEqualTo(224);
        assertThat(p.height()).isEqualTo(224);
        assertThat(p.resizeShorterSide()).isEqualTo(256);
        assertThat(p.channelOrder()).isEqualTo(ChannelOrder.RGB);
        assertThat(p.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(p.std()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(spec.outputName()).isEqualTo("logits");
        assertThat(spec.outputLength()).isEqualTo(1000);
        assertThat(spec.classOffset()).isZero();
        assertThat(spec.outputKind()).isEqualTo(OutputKind.LOGITS);
        assertThat(spec.topK()).isEqualTo(5);
        assertThat(spec.labels()).hasSize(1000).startsWith("tench").endsWith("toilet tissue");
        assertThat(spec.name()).isEqualTo("efficientnet_b0_seed0_bncal");
        assertThat(spec.sha256()).isEqualTo(BNCAL_SHA256);
        assertThat(spec.identity().getName()).isEqualTo("efficientnet_b0_seed0_bncal");
        assertThat(spec.identity().getSha256()).isEqualTo(BNCAL_SHA256);
        assertThat(spec.modelPath()).isEqualTo(bncal().toAbsolutePath().normalize().toString());
    }

    @Test
    void readsTheSqueezeNetStandInAndNamesClassesWithoutALabelsFile() {
        ModelSpec spec = ModelSpec.builder()
                .modelPath(ReferenceData.requireShared(SharedData.PRETRAINED_STAND_IN_FILE)).build();

        assertThat(spec.inputName()).isEqualTo("input");
        assertThat(spec.outputName()).isEqualTo("scores");
        assertThat(spec.outputLength()).isEqualTo(1000);
        assertThat(spec.preprocess().sampleShape()).containsExactly(3, 224, 224);
        assertThat(spec.labels()).hasSize(1000);
        assertThat(spec.labels().get(0)).isEqualTo("class_0");
        assertThat(spec.labels().get(999)).isEqualTo("class_999");
    }

    @Test
    void configuredValuesWin() {
        ModelSpec spec = ModelSpec.builder().modelPath(bncal()).labelsPath(SharedFixtures.labels())
                .name("b0-test").inputName("input").outputName("logits").layout(TensorLayout.NCHW)
                .inputSize(224, 224).resizeShorterSide(0).channelOrder(ChannelOrder.BGR)
                .mean(new float[] {0.5f, 0.5f, 0.5f}).std(new float[] {0.25f, 0.25f, 0.25f})
                .outputKind(OutputKind.PROBABILITIES).topK(3).build();

        assertThat(spec.name()).isEqualTo("b0-test");
        assertThat(spec.identity().getName()).isEqualTo("b0-test");
        assertThat(spec.preprocess().resizeShorterSide()).isZero();
        assertThat(spec.preprocess().channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(spec.preprocess().mean()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(spec.preprocess().std()).containsExactly(0.25f, 0.25f, 0.25f);
        assertThat(spec.outputKind()).isEqualTo(OutputKind.PROBABILITIES);
        assertThat(spec.topK()).isEqualTo(3);

        ModelSpec offset = ModelSpec.builder().modelPath(bncal()).classOffset(1).build();
        assertThat(offset.classOffset()).isEqualTo(1);
        assertThat(offset.labels()).hasSize(999);
    }

    @Test
    void missingModelSaysWhichPathAndHowToSetIt() {
        Path missing = tmp.resolve("nope.onnx");
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("--model")
                .hasMessageContaining("FLINKVISION_MODEL");
        assertThatThrownBy(() -> ModelSpec.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--model");
    }

    @Test
    void unknownInputOrOutputNameListsTheModelsNames() {
        Path bncal = bncal();
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).inputName("images").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'images'").hasMessageContaining("[input]").hasMessageContaining("--input-name");
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).outputName("probs").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'probs'").hasMessageContaining("[logits]");
    }

    @Test
    void contradictingTheModelsFixedShapeIsRejected() {
        Path bncal = bncal();
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).inputSize(300, 300).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("224x224").hasMessageContaining("300x300");
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).layout(TensorLayout.NHWC).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--layout");
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).elementType(InputElementType.UINT8).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLOAT32");
    }

    @Test
    void labelsCountMustMatchTheOutput() throws IOException {
        Path bncal = bncal();
        Path labels = Files.write(tmp.resolve("labels.txt"), Files.readAllLines(SharedFixtures.labels()).subList(0, 999));
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).labelsPath(labels).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("999 labels").hasMessageContaining("1000 outputs").hasMessageContaining("--labels");
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(bncal).labelsPath(tmp.resolve("none.txt")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none.txt");
    }

    @Test
    void tinyUint8NhwcModelWithBackgroundClass() throws IOException {
        Path imagenetLabels = SharedFixtures.labels();
        Path model = TinyOnnx.write(tmp.resolve("tiny_bg.onnx"), new TinyOnnx.Spec(true, true, 1, 8, 8, 1001, true));
        ModelSpec spec = ModelSpec.builder().modelPath(model).labelsPath(SharedFixtures.labels()).build();

        assertThat(spec.inputName()).isEqualTo("image");
        assertThat(spec.inputShape()).containsExactly(1, 8, 8, 3);
        assertThat(spec.fixedBatchSize()).isEqualTo(1);
        assertThat(spec.preprocess().layout()).isEqualTo(TensorLayout.NHWC);
        assertThat(spec.preprocess().elementType()).isEqualTo(InputElementType.UINT8);
        assertThat(spec.preprocess().resizeShorterSide()).isEqualTo(9);
        assertThat(spec.outputLength()).isEqualTo(1001);
        assertThat(spec.classOffset()).isEqualTo(1);
        assertThat(spec.labels()).hasSize(1000).startsWith("tench");

        // Without the 1000 ImageNet labels there is no reason to assume a background class.
        assertThat(ModelSpec.builder().modelPath(model).build().classOffset()).isZero();
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(model).labelsPath(imagenetLabels)
                        .classOffset(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--class-offset");
    }

    @Test
    void dynamicSpatialDimensionsNeedAConfiguredSize() throws IOException {
        Path model = TinyOnnx.write(tmp.resolve("tiny_dyn.onnx"), new TinyOnnx.Spec(false, false, -1, -1, -1, 10, false));
        assertThatThrownBy(() -> ModelSpec.builder().modelPath(model).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[?,3,?,?]").hasMessageContaining("--input-size");

        ModelSpec spec = ModelSpec.builder().modelPath(model).inputSize(32, 24).build();
        assertThat(spec.preprocess().sampleShape()).containsExactly(3, 24, 32);
        assertThat(spec.inputShape()).containsExactly(-1, 3, -1, -1);
        assertThat(spec.preprocess().resizeShorterSide()).isEqualTo(37);
        assertThat(spec.name()).isEqualTo("tiny_dyn");
    }

    @Test
    void resolverRejectsAmbiguousOrUnsupportedSignatures() {
        Path path = Path.of("/models/m.onnx");
        TensorSignature image = new TensorSignature("image", "FLOAT", new long[] {-1, 3, 224, 224});
        TensorSignature scores = new TensorSignature("scores", "FLOAT", new long[] {-1, 1000});

        ModelSignature twoInputs = new ModelSignature(
                List.of(image, new TensorSignature("mask", "FLOAT", new long[] {-1, 1})), List.of(scores));
        assertThatThrownBy(() -> ModelSpecResolver.resolve(ModelSpec.builder(), path, twoInputs, null, "00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[image, mask]").hasMessageContaining("--input-name");
        assertThat(ModelSpecResolver.resolve(ModelSpec.builder().inputName("image"), path, twoInputs, null, "00")
                .inputName()).isEqualTo("image");

        ModelSignature halfFloat = new ModelSignature(
                List.of(new TensorSignature("image", "FLOAT16", new long[] {1, 3, 224, 224})), List.of(scores));
        assertThatThrownBy(() -> ModelSpecResolver.resolve(ModelSpec.builder(), path, halfFloat, null, "00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLOAT16");

        ModelSignature noLayout = new ModelSignature(
                List.of(new TensorSignature("image", "FLOAT", new long[] {1, 224, 224, 4})), List.of(scores));
        assertThatThrownBy(() -> ModelSpecResolver.resolve(ModelSpec.builder(), path, noLayout, null, "00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--layout");

        ModelSignature featureMap = new ModelSignature(
                List.of(image), List.of(new TensorSignature("features", "FLOAT", new long[] {-1, 1280, 7, 7})));
        assertThatThrownBy(() -> ModelSpecResolver.resolve(ModelSpec.builder(), path, featureMap, null, "00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--output-name");
    }

    @Test
    void resolverInfersTheBackgroundOffsetOnlyFor1001OutputsAnd1000Labels() {
        Path path = Path.of("/models/m.onnx");
        TensorSignature image = new TensorSignature("image", "FLOAT", new long[] {-1, 3, 224, 224});
        ModelSignature with1001 = new ModelSignature(
                List.of(image), List.of(new TensorSignature("scores", "FLOAT", new long[] {-1, 1001})));
        ModelSignature with11 = new ModelSignature(
                List.of(image), List.of(new TensorSignature("scores", "FLOAT", new long[] {-1, 11})));

        assertThat(ModelSpecResolver.resolve(ModelSpec.builder(), path, with1001,
                LabelsFile.placeholders(1000), "00").classOffset()).isEqualTo(1);
        // One label short of 11 outputs is a wrong labels file, not a background class.
        assertThatThrownBy(() -> ModelSpecResolver.resolve(ModelSpec.builder(), path, with11,
                        LabelsFile.placeholders(10), "00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 labels");
        assertThat(ModelSpecResolver.resolve(ModelSpec.builder().classOffset(1), path, with11,
                LabelsFile.placeholders(10), "00").classOffset()).isEqualTo(1);
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        ModelSpec spec = ModelSpec.builder().modelPath(bncal()).labelsPath(SharedFixtures.labels())
                .channelOrder(ChannelOrder.BGR).topK(7).build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        ModelSpec copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ModelSpec) in.readObject();
        }

        assertThat(copy).isNotSameAs(spec);
        assertThat(copy.toString()).isEqualTo(spec.toString());
        assertThat(copy.modelPath()).isEqualTo(spec.modelPath());
        assertThat(copy.identity()).isEqualTo(spec.identity());
        assertThat(copy.inputShape()).containsExactly(spec.inputShape());
        assertThat(copy.labels()).isEqualTo(spec.labels());
        assertThat(copy.topK()).isEqualTo(7);
        PreprocessSpec p = copy.preprocess();
        assertThat(p.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(p.sampleShape()).containsExactly(3, 224, 224);
        assertThat(p.resizeShorterSide()).isEqualTo(256);
        assertThat(p.mean()).containsExactly(spec.preprocess().mean());
        assertThat(p.std()).containsExactly(spec.preprocess().std());
    }
}
