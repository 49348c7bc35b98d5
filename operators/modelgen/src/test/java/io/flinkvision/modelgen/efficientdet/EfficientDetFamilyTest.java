package io.flinkvision.modelgen.efficientdet;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Cell;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.Edge;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture.FpnNode;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture.Block;
import io.flinkvision.modelgen.efficientnet.ProbeCalibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * EfficientDet-D0..D7 generator: published sizes, the reference's topology and anchors, ONNX Runtime
 * runs of seeded D0-D2, and agreement of the graph with the Java reference forward pass.
 */
class EfficientDetFamilyTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** Published parameter counts (paper table 2; automl/efficientdet README). */
    @ParameterizedTest
    @CsvSource({"D0, 3.9", "D1, 6.6", "D2, 8.1", "D3, 12.0", "D4, 20.7", "D5, 33.7", "D6, 51.9", "D7, 51.9"})
    void parameterCountIsWithinTwoPercentOfPublished(EfficientDetVariant variant, double publishedMillions) {
        long count = EfficientDetArchitecture.of(variant).parameterCount();
        assertThat(count / (publishedMillions * 1e6)).as("%s: %,d parameters", variant, count).isBetween(0.98, 1.02);
    }

    /** Published "FLOPs" are multiply-adds (the same tables give EfficientNet-B0 0.39 B). */
    @ParameterizedTest
    @CsvSource({"D0, 2.54", "D1, 6.10", "D2, 11.0", "D3, 24.9", "D4, 55.2", "D5, 130", "D6, 226", "D7, 325"})
    void multiplyAddsAreWithinFivePercentOfPublished(EfficientDetVariant variant, double publishedBillions) {
        long macs = EfficientDetArchitecture.of(variant).multiplyAdds();
        assertThat(macs / (publishedBillions * 1e9)).as("%s: %,d multiply-adds", variant, macs).isBetween(0.95, 1.05);
    }

    @Test
    void backboneTapsAndBiFpnTopologyFollowTheReference() {
        EfficientDetArchitecture d0 = EfficientDetArchitecture.of(EfficientDetVariant.D0);
        int[] taps = d0.backboneTaps();
        int[][] expected = {{40, 64}, {112, 32}, {320, 16}};
        for (int i = 0; i < 3; i++) {
            Block b = d0.backbone().blocks().get(taps[i]);
            assertThat(new int[] {b.outChannels(), b.project().outputSize()}).as("P%d", i + 3).containsExactly(expected[i]);
        }
        // bifpn_dynamic_config for P3-P7: top-down P6', P5', P4', P3'', bottom-up P4'', P5'', P6'', P7''.
        int[][] sources = {{3, 4}, {2, 5}, {1, 6}, {0, 7}, {1, 7, 8}, {2, 6, 9}, {3, 5, 10}, {4, 11}};
        int[] levels = {6, 5, 4, 3, 4, 5, 6, 7};
        Cell first = d0.cells().get(0);
        for (int n = 0; n < 8; n++) {
            FpnNode node = first.nodes().get(n);
            assertThat(node.level()).isEqualTo(levels[n]);
            assertThat(node.inputs().stream().mapToInt(Edge::source).toArray()).containsExactly(sources[n]);
        }
        assertThat(first.outputs()).containsExactly(8, 9, 10, 11, 12);
        // Only the backbone features entering the first cell change width: P5 twice, P4 twice, P3 once.
        assertThat(resampleCount(first)).isEqualTo(5);
        assertThat(d0.cells().subList(1, 3)).allSatisfy(c -> assertThat(resampleCount(c)).isZero());
        assertThat(first.nodes().get(4).inputs().get(2).resize()).isEqualTo(EfficientDetArchitecture.Resize.DOWN);
        assertThat(first.nodes().get(0).inputs().get(1).resize()).isEqualTo(EfficientDetArchitecture.Resize.UP);
        // D6 and D7 fuse by a plain sum: no fusion weights.
        assertThat(EfficientDetArchitecture.of(EfficientDetVariant.D6).expectedShapes().keySet())
                .noneMatch(name -> name.contains(".WSM"));
        assertThat(d0.expectedShapes()).containsKey("fpn_cells.cell_0.fnode4.WSM_2");
    }

    private static long resampleCount(Cell cell) {
        return cell.nodes().stream().flatMap(n -> n.inputs().stream()).filter(e -> e.resample() != null).count();
    }

    @Test
    void anchorsFollowTheReferenceLayout() {
        EfficientDetArchitecture d0 = EfficientDetArchitecture.of(EfficientDetVariant.D0);
        float[] a = d0.anchorBoxes();
        assertThat(d0.anchorCount()).isEqualTo((64 * 64 + 32 * 32 + 16 * 16 + 8 * 8 + 4 * 4) * 9);
        assertThat(a).hasSize(d0.anchorCount() * 4);
        // P3, location (0, 0), centre (4, 4): octave 0 ratio 1:1 is 4 x 8 = 32 px square.
        assertBox(a, 0, -12, -12, 20, 20);
        // Ratio (w 1.4, h 0.7): 44.8 wide, 22.4 high.
        assertBox(a, 1, 4 - 11.2, 4 - 22.4, 4 + 11.2, 4 + 22.4);
        // Anchor 3 is octave 1 (32 x 2^(1/3) = 40.32 px), ratio 1:1.
        double half = 16 * Math.cbrt(2);
        assertBox(a, 3, 4 - half, 4 - half, 4 + half, 4 + half);
        // Anchor 9 is the next location to the right (x centre 12).
        assertBox(a, 9, -12, -4, 20, 28);
        // The last is P7 (3, 3), centre 448, octave 2, ratio (0.7, 1.4): base 4 x 128 x 2^(2/3).
        double base = 512 * Math.pow(2, 2.0 / 3);
        assertBox(a, d0.anchorCount() - 1, 448 - base * 0.7, 448 - base * 0.35, 448 + base * 0.7, 448 + base * 0.35);
        assertThat(EfficientDetArchitecture.of(EfficientDetVariant.D7).variant().anchorScale()).isEqualTo(5.0);
    }

    private static void assertBox(float[] boxes, int anchor, double ymin, double xmin, double ymax, double xmax) {
        assertThat(new float[] {boxes[anchor * 4], boxes[anchor * 4 + 1], boxes[anchor * 4 + 2], boxes[anchor * 4 + 3]})
                .as("anchor %d", anchor)
                .containsExactly(new float[] {(float) ymin, (float) xmin, (float) ymax, (float) xmax}, within(1e-3f));
    }

    @ParameterizedTest
    @EnumSource(value = EfficientDetVariant.class, names = {"D0", "D1", "D2"})
    void seededVariantRunsInOnnxRuntime(EfficientDetVariant variant) throws OrtException {
        EfficientDetArchitecture arch = EfficientDetArchitecture.of(variant);
        byte[] model = EfficientDetOnnxGenerator.generate(arch, new SeededEfficientDetWeights(7));
        int r = arch.resolution();
        // An image-like input other than the calibration probe (white noise is no image: see ProbeCalibration).
        float[] input = ProbeCalibration.imageLikeProbe(new Random(11), 1, r);
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactly(EfficientDetOnnxGenerator.INPUT_NAME);
            assertThat(session.getMetadata().getCustomMetadata())
                    .containsEntry("flinkvision.anchor_scale", "4.0")
                    .containsEntry("flinkvision.num_classes", "90")
                    .containsEntry("flinkvision.box_encoding", "ty,tx,th,tw");
            float[][] out = run(session, input, 1, r);
            int anchors = arch.anchorCount();
            assertThat(out[0]).hasSize(anchors * 90);
            assertThat(out[1]).hasSize(anchors * 4);
            Stats classes = Stats.of(out[0], 0, out[0].length);
            Stats boxes = Stats.of(out[1], 0, out[1].length);
            assertThat(classes.finite && boxes.finite).as("finite outputs").isTrue();
            // Scores start at the reference's prior (logit -4.6) and vary around it; box deltas stay
            // small enough that exp(th), exp(tw) mean something.
            assertThat(classes.mean).isCloseTo(-4.6, within(1.0));
            assertThat(classes.std).isBetween(0.05, 5.0);
            assertThat(boxes.std).isBetween(0.02, 2.0);
            assertThat(boxes.maxAbs).isLessThan(20);
            // Not degenerate at either end of the pyramid: P3's and P7's predictions both vary.
            int p7Start = (anchors - arch.anchorsAtLevel(7)) * 4;
            assertThat(Stats.of(out[1], 0, arch.anchorsAtLevel(3) * 4).std).isGreaterThan(0.01);
            assertThat(Stats.of(out[1], p7Start, out[1].length).std).isGreaterThan(0.01);
        }
    }

    @ParameterizedTest
    @EnumSource(value = EfficientDetVariant.class, names = {"D0", "D6"})
    void onnxGraphAgreesWithJavaReferenceForward(EfficientDetVariant variant) throws OrtException {
        // 128 px: P7 is 1x1; D6 covers plain-sum fusion and the B6 backbone, D0 fast normalized fusion.
        EfficientDetArchitecture small = EfficientDetArchitecture.of(variant, 128, 20);
        EfficientDetWeights weights = new SeededEfficientDetWeights(3).weightsFor(small);
        byte[] model = EfficientDetOnnxGenerator.generate(small, fixed(weights));
        float[] input = ProbeCalibration.imageLikeProbe(new Random(5), 2, 128);
        EfficientDetReferenceForward.Outputs java = new EfficientDetReferenceForward(small, weights).run(input, 2);
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            float[][] ort = run(session, input, 2, 128);
            assertClose(ort[0], java.classLogits(), "class logits");
            assertClose(ort[1], java.boxDeltas(), "box deltas");
        }
    }

    @Test
    void commandLineWritesALoadableModel(@TempDir Path dir) throws OrtException {
        Path out = dir.resolve("d0.onnx");
        StringWriter text = new StringWriter();
        int code = GenerateEfficientDet.commandLine().setOut(new PrintWriter(text)).setErr(new PrintWriter(new StringWriter()))
                .execute("--variant", "efficientdet-d0", "--out", out.toString(), "--resolution", "128",
                        "--classes", "80", "--uncalibrated");
        assertThat(code).isZero();
        assertThat(text.toString()).contains("EfficientDet-D0 128x128", "80 classes");
        try (OrtSession session = ENV.createSession(out.toString(), new OrtSession.SessionOptions())) {
            assertThat(session.getOutputNames()).containsExactly(EfficientDetOnnxGenerator.CLASS_OUTPUT,
                    EfficientDetOnnxGenerator.BOX_OUTPUT);
            NodeInfo classes = session.getOutputInfo().get(EfficientDetOnnxGenerator.CLASS_OUTPUT);
            long anchors = EfficientDetArchitecture.of(EfficientDetVariant.D0, 128, 80).anchorCount();
            assertThat(((TensorInfo) classes.getInfo()).getShape()).containsExactly(-1, anchors, 80);
        }
        for (String[] bad : List.of(new String[] {"--variant", "D9", "--out", out.toString()},
                new String[] {"--variant", "D0", "--out", out.toString(), "--resolution", "100"},
                new String[] {"--variant", "D0"})) {
            int badCode = GenerateEfficientDet.commandLine().setOut(new PrintWriter(new StringWriter()))
                    .setErr(new PrintWriter(new StringWriter())).execute(bad);
            assertThat(badCode).as(String.join(" ", bad)).isEqualTo(2);
        }
    }

    @Test
    void commandLineVersionIsTheProjectVersion() {
        String version = System.getProperty("flinkvision.project.version");
        assertThat(version).as("set by surefire from the pom").isNotBlank();
        StringWriter text = new StringWriter();
        int code = GenerateEfficientDet.commandLine().setOut(new PrintWriter(text)).execute("--version");
        assertThat(code).isZero();
        assertThat(text.toString().trim()).isEqualTo("flink-vision EfficientDet generator " + version);
    }

    private static EfficientDetWeightSource fixed(EfficientDetWeights weights) {
        return new EfficientDetWeightSource() {
            public EfficientDetWeights weightsFor(EfficientDetArchitecture architecture) {
                return weights;
            }

            public String describe() {
                return "fixed";
            }
        };
    }

    /** {class_logits, box_deltas} for an input [batch, 3, size, size]. */
    private static float[][] run(OrtSession session, float[] input, int batch, int size) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), new long[] {batch, 3, size, size});
             OrtSession.Result result = session.run(Map.of(EfficientDetOnnxGenerator.INPUT_NAME, tensor))) {
            List<float[]> outs = new ArrayList<>();
            for (String name : List.of(EfficientDetOnnxGenerator.CLASS_OUTPUT, EfficientDetOnnxGenerator.BOX_OUTPUT)) {
                OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
                assertThat(t.getInfo().getShape()[0]).isEqualTo(batch);
                FloatBuffer fb = t.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                outs.add(values);
            }
            return outs.toArray(new float[0][]);
        }
    }

    /** Max |difference| within 1e-5 + 1e-4 max|reference|, as the EfficientNet parity check allows. */
    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double worst = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs((double) actual[i] - expected[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        assertThat(maxAbs).as("%s: reference not all zero", what).isGreaterThan(0);
        assertThat(worst).as("%s: max |ORT - Java|", what).isLessThanOrEqualTo(1e-5 + 1e-4 * maxAbs);
    }

    private record Stats(boolean finite, double mean, double std, double maxAbs) {
        static Stats of(float[] v, int from, int to) {
            boolean finite = true;
            double sum = 0;
            double sumSq = 0;
            double maxAbs = 0;
            for (int i = from; i < to; i++) {
                finite &= Float.isFinite(v[i]);
                sum += v[i];
                sumSq += (double) v[i] * v[i];
                maxAbs = Math.max(maxAbs, Math.abs(v[i]));
            }
            int n = to - from;
            double mean = sum / n;
            return new Stats(finite, mean, Math.sqrt(Math.max(0, sumSq / n - mean * mean)), maxAbs);
        }
    }
}
