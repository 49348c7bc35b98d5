package io.flinkvision.modelgen.efficientnet;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.UnknownFieldSet;
import io.flinkvision.modelgen.onnx.FloatTensor;
import io.flinkvision.modelgen.onnx.OnnxModelInfo;
import io.flinkvision.modelgen.onnx.OnnxWeightReader;
import io.flinkvision.modelgen.onnx.proto.Onnx.GraphProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.ModelProto;
import io.flinkvision.modelgen.onnx.proto.Onnx.TensorProto;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.testkit.SharedFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EfficientNet-B0..B7 generator: torchvision-exact sizes, ONNX encoding round trip, ORT runs, and weight import parity with the shared B0. */
class EfficientNetFamilyTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final Path BNCAL = SharedData.models().resolve(SharedData.DEFAULT_MODEL_FILE);
    private static final Path BNCAL_REFERENCE = SharedData.models().resolve("reference/efficientnet_b0_seed0_bncal");
    /** Manifest {@code suggested_tolerance} of the bncal reference set. */
    private static final double ABS_TOL = 1e-3;
    private static final double REL_TOL = 1e-3;

    private static EfficientNetWeights seededB0Weights;
    private static byte[] seededB0Model;

    /** Seeded B0 at 224 px, generated once and shared by the tests that only read it. */
    private static synchronized byte[] seededB0() {
        if (seededB0Model == null) {
            EfficientNetArchitecture arch = EfficientNetArchitecture.of(EfficientNetVariant.B0);
            seededB0Weights = new SeededWeights(0).weightsFor(arch);
            seededB0Model = EfficientNetOnnxGenerator.generate(arch, new WeightSource() {
                public EfficientNetWeights weightsFor(EfficientNetArchitecture a) {
                    return seededB0Weights;
                }

                public String describe() {
                    return "seed 0";
                }
            });
        }
        return seededB0Model;
    }

    @ParameterizedTest
    @CsvSource({"B0, 5288548", "B1, 7794184", "B2, 9109994", "B3, 12233232",
            "B4, 19341616", "B5, 30389784", "B6, 43040704", "B7, 66347960"})
    void parameterCountMatchesTorchvision(EfficientNetVariant variant, long torchvisionParameters) {
        assertThat(EfficientNetArchitecture.of(variant).parameterCount()).isEqualTo(torchvisionParameters);
    }

    @Test
    void b0MultiplyAddsAreWithinTwoPercentOfPublished() {
        long macs = EfficientNetArchitecture.of(EfficientNetVariant.B0).multiplyAdds();
        assertThat(macs / 0.39e9).isBetween(0.98, 1.02);
        // Compute grows with every step of the compound scaling.
        long previous = 0;
        for (EfficientNetVariant v : EfficientNetVariant.values()) {
            long m = EfficientNetArchitecture.of(v).multiplyAdds();
            assertThat(m).as("MACs of %s", v).isGreaterThan(previous);
            previous = m;
        }
    }

    @Test
    void channelRoundingAndDepthFollowTorchvision() {
        assertThat(EfficientNetArchitecture.makeDivisible(32 * 1.1, 8)).isEqualTo(32);
        assertThat(EfficientNetArchitecture.makeDivisible(40 * 1.1, 8)).isEqualTo(48);
        assertThat(EfficientNetArchitecture.makeDivisible(16 * 1.2, 8)).isEqualTo(24);
        assertThat(EfficientNetArchitecture.makeDivisible(3, 8)).isEqualTo(8);
        EfficientNetArchitecture b3 = EfficientNetArchitecture.of(EfficientNetVariant.B3);
        assertThat(b3.blocks()).hasSize(26);
        assertThat(b3.stem().outChannels()).isEqualTo(40);
        assertThat(b3.features()).isEqualTo(1536);
        EfficientNetArchitecture.Block first = b3.blocks().get(0);
        assertThat(first.hasExpansion()).isFalse();
        assertThat(first.squeeze().name()).isEqualTo("features.1.0.block.1.fc1");
        assertThat(first.squeezeChannels()).isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(value = EfficientNetVariant.class, names = {"B0", "B1", "B2", "B3"})
    void seededVariantRunsInOnnxRuntime(EfficientNetVariant variant) throws OrtException {
        byte[] model = variant == EfficientNetVariant.B0
                ? seededB0()
                : EfficientNetOnnxGenerator.generate(variant, new SeededWeights(7));
        int r = variant.resolution();
        float[] logits = runOrt(model, randomNormal(new Random(42), 2 * 3 * r * r), 2, r, 1000);
        assertThat(logits).hasSize(2 * 1000);
        double sum = 0;
        double sumSq = 0;
        for (float v : logits) {
            assertThat(Float.isFinite(v)).isTrue();
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / logits.length;
        // Not collapsed (the plain seed-0 torchvision model gives about 1e-14).
        assertThat(Math.sqrt(sumSq / logits.length - mean * mean)).isGreaterThan(0.1);
    }

    @Test
    void onnxGraphAgreesWithJavaReferenceForward() throws OrtException {
        EfficientNetArchitecture small = EfficientNetArchitecture.of(EfficientNetVariant.B0, 64);
        EfficientNetWeights weights = new SeededWeights(3).weightsFor(small);
        byte[] model = EfficientNetOnnxGenerator.generate(small, new SeededWeights(3));
        // An image-like input: white noise drives random-weight logits to ~1e4, where float32 rounding
        // differences between two correct implementations are amplified too.
        float[] input = ProbeCalibration.imageLikeProbe(new Random(5), 2, 64);
        float[] ort = runOrt(model, input, 2, 64, 1000);
        float[] java = new ReferenceForward(small, weights).logits(input, 2);
        assertWithin(ort, java, 1e-5, 1e-4 * maxAbs(java), "ORT vs Java reference forward");
    }

    @Test
    void importedB0ReproducesSharedReferenceOutputs() throws OrtException, IOException {
        SharedFixtures.require(BNCAL);
        SharedFixtures.require(BNCAL_REFERENCE);
        EfficientNetArchitecture arch = EfficientNetArchitecture.of(EfficientNetVariant.B0);
        ImportedWeights imported = ImportedWeights.from(BNCAL);
        assertThat(imported.weightsFor(arch).foldedBatchNorm()).as("torchvision export folds BatchNorm").isTrue();
        byte[] generated = EfficientNetOnnxGenerator.generate(arch, imported);
        byte[] original = Files.readAllBytes(BNCAL);

        OnnxModelInfo shared = OnnxWeightReader.read(original);
        OnnxModelInfo ours = OnnxWeightReader.read(generated);
        assertThat(ours.feedInputs().get(0).name()).isEqualTo(shared.feedInputs().get(0).name());
        assertThat(ours.outputs().get(0).name()).isEqualTo(shared.outputs().get(0).name());

        for (String name : List.of("photos_b14", "random_normal_b2")) {
            float[] input = readF32(BNCAL_REFERENCE.resolve(name + ".input.f32"));
            float[] expected = readF32(BNCAL_REFERENCE.resolve(name + ".output.f32"));
            int batch = input.length / (3 * 224 * 224);
            float[] ours224 = runOrt(generated, input, batch, 224, 1000);
            float[] theirs = runOrt(original, input, batch, 224, 1000);
            // Same ORT, same folded weights: elementwise manifest tolerance.
            assertWithinElementwise(ours224, theirs, name + ": generated vs shared model in ORT");
            if (name.equals("photos_b14")) {
                // O(1)-O(10) logits: the manifest tolerance holds elementwise.
                assertWithinElementwise(ours224, expected, name + ": generated vs reference");
            } else {
                // Logits up to about 3000 on white noise: even the shared model run in ORT differs from
                // the PyTorch reference by 0.08 there, so the relative part scales with max|reference|.
                assertWithin(ours224, expected, ABS_TOL, REL_TOL * maxAbs(expected), name + ": generated vs reference");
            }
        }
    }

    @Test
    void writerRoundTripsThroughReader() {
        byte[] model = seededB0();
        OnnxModelInfo info = OnnxWeightReader.read(model);
        assertThat(info.irVersion()).isEqualTo(8);
        assertThat(info.opsets()).containsEntry("", 13L);
        assertThat(info.feedInputs()).singleElement().satisfies(in -> {
            assertThat(in.name()).isEqualTo("input");
            assertThat(in.dims()).containsExactly("N", "3", "224", "224");
        });
        assertThat(info.outputs()).singleElement().satisfies(out -> {
            assertThat(out.name()).isEqualTo("logits");
            assertThat(out.dims()).containsExactly("N", "1000");
        });
        assertThat(info.initializers().keySet()).containsExactlyElementsOf(seededB0Weights.tensors().keySet());
        for (Map.Entry<String, FloatTensor> e : seededB0Weights.tensors().entrySet()) {
            FloatTensor back = info.initializer(e.getKey());
            assertThat(back.dims()).as(e.getKey()).containsExactly(e.getValue().dims());
            assertThat(back.data()).as(e.getKey()).isEqualTo(e.getValue().data());
        }
        assertThat(info.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")))
                .hasSize(49)
                .allSatisfy(n -> assertThat(n.attribute("epsilon").orElseThrow().f()).isEqualTo(1e-5f));
        // Unfolded weights import back by name, unchanged.
        EfficientNetWeights again = ImportedWeights.from(info, "round trip").weightsFor(EfficientNetArchitecture.of(EfficientNetVariant.B0));
        assertThat(again.foldedBatchNorm()).isFalse();
        assertThat(again.get("features.5.2.block.3.1.running_var").data())
                .isEqualTo(seededB0Weights.get("features.5.2.block.3.1.running_var").data());
    }

    @Test
    void readerDecodesFloatDataPackedAndUnpacked() throws Exception {
        float[] values = {1.5f, -2.25f, 3e-7f, Float.MAX_VALUE};
        // The generated class writes float_data packed, as onnx.proto declares it.
        TensorProto.Builder packed = TensorProto.newBuilder().addDims(2).addDims(2)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setName("packed");
        for (float v : values) {
            packed.addFloatData(v);
        }
        // Older writers emit one tagged fixed32 per value; an unknown-field set writes exactly that.
        UnknownFieldSet.Field.Builder oneTagPerValue = UnknownFieldSet.Field.newBuilder();
        for (float v : values) {
            oneTagPerValue.addFixed32(Float.floatToRawIntBits(v));
        }
        byte[] unpackedValues = UnknownFieldSet.newBuilder()
                .addField(TensorProto.FLOAT_DATA_FIELD_NUMBER, oneTagPerValue.build()).build().toByteArray();
        TensorProto unpacked = TensorProto.newBuilder().addDims(4)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setName("unpacked")
                .mergeFrom(unpackedValues).build();
        assertThat(unpacked.getFloatDataList()).as("unpacked encoding parsed into float_data").hasSize(values.length);
        byte[] model = ModelProto.newBuilder().setIrVersion(8)
                .setGraph(GraphProto.newBuilder().addInitializer(packed).addInitializer(unpacked))
                .build().toByteArray();
        OnnxModelInfo info = OnnxWeightReader.read(model);
        assertThat(info.initializer("packed").dims()).containsExactly(2, 2);
        assertThat(info.initializer("packed").data()).containsExactly(values);
        assertThat(info.initializer("unpacked").data()).containsExactly(values);
    }

    @Test
    void commandLineWritesALoadableModel(@TempDir Path dir) throws OrtException {
        Path out = dir.resolve("b0.onnx");
        String report = GenerateEfficientNet.run("--variant", "b0", "--out", out.toString(), "--seed", "3", "--uncalibrated");
        assertThat(report).contains("EfficientNet-B0", "5,288,548 parameters");
        try (OrtSession session = ENV.createSession(out.toString(), new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactly("input");
            assertThat(session.getOutputNames()).containsExactly("logits");
        }
        assertThatThrownBy(() -> GenerateEfficientNet.run("--variant", "B9", "--out", out.toString()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GenerateEfficientNet.run("--variant", "B0", "--out", out.toString(),
                "--seed", "1", "--import-weights", out.toString())).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] runOrt(byte[] model, float[] input, int batch, int size, int classes) throws OrtException {
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), new long[] {batch, 3, size, size});
             OrtSession.Result result = session.run(Map.of("input", tensor))) {
            OnnxTensor out = (OnnxTensor) result.get("logits").orElseThrow();
            assertThat(out.getInfo().getShape()).containsExactly(batch, classes);
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            return values;
        }
    }

    private static float[] randomNormal(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static float[] readF32(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static double maxAbs(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** |actual - expected| <= ABS_TOL + REL_TOL * |expected| for every element. */
    private static void assertWithinElementwise(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        int worst = 0;
        double worstRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            double ratio = Math.abs((double) actual[i] - expected[i]) / (ABS_TOL + REL_TOL * Math.abs(expected[i]));
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
            }
        }
        assertThat(worstRatio).as("%s: worst element %d, %s vs %s (difference over tolerance)", what, worst,
                actual[worst], expected[worst]).isLessThanOrEqualTo(1.0);
    }

    /** |actual - expected| <= abs + rel for every element (rel already scaled by the caller). */
    private static void assertWithin(float[] actual, float[] expected, double abs, double rel, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs((double) actual[i] - expected[i]));
        }
        assertThat(worst).as("%s: max |difference|", what).isLessThanOrEqualTo(abs + rel);
    }
}
