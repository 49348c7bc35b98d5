package io.flinkvision.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.flinkvision.core.runtime.Device;
import io.flinkvision.measure.FrameSize;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The planner's parts: options and command line, Pareto front, measurement cache, cost model, fingerprint, chart. */
class PlannerPartsTest {
    private static final Candidate B0 = Candidate.of(EfficientNetVariant.B0);
    private static final Candidate B3 = Candidate.of(EfficientNetVariant.B3);

    @TempDir
    Path tmp;

    private static final HardwareFingerprint HW = new HardwareFingerprint("amd64", "Test CPU @ 2GHz", 2, "1.29.0",
            "cpu", 1);

    @Test
    void optionsHaveDefaultsAndNameWhatIsWrong() {
        PlannerOptions o = PlannerOptions.parse("--streams", "4", "--fps", "7.5", "--latency-budget-ms", "250");
        assertThat(o.targetFps()).isEqualTo(30.0);
        assertThat(o.variants()).extracting(Candidate::name).containsExactly("B0", "B1", "B2", "B3", "B4");
        assertThat(o.batchSizes()).containsExactly(1, 2, 4);
        assertThat(o.seconds()).isEqualTo(2.0);
        assertThat(o.maxSlots()).isEqualTo(8);
        assertThat(o.device()).isEqualTo(Device.CPU);
        assertThat(o.slotsPerTaskManager()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
        assertThat(o.cacheDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "flink-vision", "planner"));
        assertThat(o.countsPixelPath()).isFalse();
        assertThat(o.chart()).isNull();

        PlannerOptions custom = PlannerOptions.parse("--streams", "1", "--fps", "1", "--latency-budget-ms", "1",
                "--variants", "b3,B0,B3", "--batch-sizes", "4,1", "--device", "CUDA", "--refresh", "--frame", "1280X720");
        assertThat(custom.variants()).containsExactly(B0, B3);
        assertThat(custom.batchSizes()).containsExactly(1, 4);
        assertThat(custom.deviceName()).isEqualTo("cuda");
        assertThat(custom.slotsPerTaskManager()).isEqualTo(1);
        assertThat(custom.refresh()).isTrue();
        assertThat(custom.frame()).isEqualTo(new FrameSize(1280, 720));

        PlannerOptions detectors = PlannerOptions.parse("--streams", "1", "--fps", "1", "--latency-budget-ms", "1",
                "--family", "EfficientDet");
        assertThat(detectors.family()).isEqualTo(ModelFamily.EFFICIENTDET);
        assertThat(detectors.variants()).extracting(Candidate::name).containsExactly("D0", "D1", "D2", "D3");
        assertThat(PlannerOptions.parse("--streams", "1", "--fps", "1", "--latency-budget-ms", "1", "--family",
                "efficientdet", "--variants", "d3,D1").variants()).extracting(Candidate::name).containsExactly("D1", "D3");

        assertThatThrownBy(() -> PlannerOptions.parse("--streams", "4"))
                .hasMessageContaining("Missing required options").hasMessageContaining("--fps")
                .hasMessageContaining("--latency-budget-ms");
        String[] target = {"--fps", "1", "--latency-budget-ms", "1"};
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "0")))
                .hasMessageContaining("--streams must be >= 1, got 0");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--batch-sizes", "2,0")))
                .hasMessageContaining("--batch-sizes must be >= 1, got 0");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--seconds", "-1")))
                .hasMessageContaining("--seconds must be > 0");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--variants", "B9")))
                .hasMessageContaining("unknown variant 'B9'");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--family", "efficientdet",
                "--variants", "B0"))).hasMessageContaining("unknown variant 'B0' of --family efficientdet (D0..D7)");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--family", "yolo")))
                .hasMessageContaining("unknown family 'yolo'");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--model", "/nonexistent.onnx")))
                .hasMessageContaining("--model /nonexistent.onnx is not a file");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--device", "tpu")))
                .hasMessageContaining("--device").hasMessageContaining("tpu");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "two")))
                .hasMessageContaining("--streams").hasMessageContaining("two");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--frame", "1280")))
                .hasMessageContaining("WIDTHxHEIGHT");
        assertThatThrownBy(() -> PlannerOptions.parse(with(target, "--streams", "1", "--frobnicate")))
                .hasMessageContaining("Unknown option: '--frobnicate'");
    }

    private static String[] with(String[] args, String... more) {
        return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
    }

    private record Executed(int exitCode, String out, String err) {}

    private static Executed execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CapacityPlanner.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Executed(code, out.toString(), err.toString());
    }

    @Test
    void theCommandLineExitsWithTwoAndTheUsageOnBadOptions() {
        Executed unknown = execute("--streams", "1", "--fps", "1", "--latency-budget-ms", "1", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        // For a near miss picocli suggests the option it resembles instead of printing the whole usage.
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'").contains("Possible solutions: --frame");

        Executed invalid = execute("--streams", "0", "--fps", "1", "--latency-budget-ms", "1");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("--streams must be >= 1, got 0").contains("Usage: plan");

        Executed wrongFamily = execute("--streams", "1", "--fps", "1", "--latency-budget-ms", "1",
                "--family", "efficientdet", "--variants", "B2");
        assertThat(wrongFamily.exitCode()).isEqualTo(2);
        assertThat(wrongFamily.err()).contains("unknown variant 'B2' of --family efficientdet").contains("Usage: plan");

        Executed missing = execute();
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required options");
    }

    @Test
    void helpAndVersionAnswerAndExitWithZero() {
        Executed help = execute("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: plan", "--latency-budget-ms=L", "--frame=WxH",
                "recommend variant=<name> slots=<n> fps_per_slot=<x>", "--family=efficientnet|efficientdet",
                "--model=FILE");
        assertThat(help.out()).contains("--cache=DIR").contains("flink-vision/planner");

        Executed version = execute("--version");
        assertThat(version.exitCode()).isZero();
        String expected = System.getProperty("planner.expectedVersion");
        assertThat(expected).as("surefire passes the project version").isNotBlank();
        assertThat(version.out().strip()).isEqualTo("plan (flink-vision capacity planner) " + expected);
    }

    @Test
    void paretoFrontKeepsOnlyPointsNothingBeatsOnBothAxes() {
        List<ParetoFront.Point> points = List.of(
                new ParetoFront.Point("B0", 100, 77.1),
                new ParetoFront.Point("slow-and-worse", 50, 76.0),
                new ParetoFront.Point("B1", 60, 79.1),
                new ParetoFront.Point("B2", 40, 80.1),
                new ParetoFront.Point("tie-but-slower", 39, 80.1));

        assertThat(ParetoFront.of(points)).extracting(ParetoFront.Point::label).containsExactly("B2", "B1", "B0");
    }

    @Test
    void cacheReturnsWhatWasWrittenOnlyForTheSameKey() throws Exception {
        MeasurementCache cache = new MeasurementCache(tmp.resolve("cache"));
        CacheKey key = new CacheKey(HW, B0, List.of(1, 2));
        List<Measurement> measured = List.of(new Measurement(B0, 1, 123.4567, 9.87, 250),
                new Measurement(B0, 2, 150.5, 14.25, 160));

        assertThat(cache.read(key, 2)).isEmpty();
        cache.write(key, measured, 2);

        assertThat(cache.read(key, 2)).contains(measured);
        assertThat(cache.read(key, 0.5)).as("a shorter run is asked for").contains(measured);
        assertThat(cache.read(key, 5)).as("a longer run is asked for").isEmpty();
        assertThat(cache.read(new CacheKey(HW, B0, List.of(1, 2, 4)), 2)).as("other batch sizes").isEmpty();
        HardwareFingerprint otherCpu = new HardwareFingerprint("amd64", "Other CPU", 2, "1.29.0", "cpu", 1);
        assertThat(cache.read(new CacheKey(otherCpu, B0, List.of(1, 2)), 2)).as("other hardware").isEmpty();
        HardwareFingerprint moreThreads = new HardwareFingerprint("amd64", "Test CPU @ 2GHz", 2, "1.29.0", "cpu", 2);
        assertThat(new CacheKey(moreThreads, B0, List.of(1, 2)).fileName()).isNotEqualTo(key.fileName());

        Files.writeString(cache.dir().resolve(key.fileName()), "key=" + key.text().replace(":", "\\:") + "\n");
        assertThat(cache.read(key, 0)).as("a truncated file is measured again").isEmpty();
    }

    @Test
    void cacheKeepsPixelCostsPerFrameSize() {
        MeasurementCache cache = new MeasurementCache(tmp.resolve("cache"));
        cache.writePixelCost(HW, B0, new FrameSize(1280, 720), 7.4512345678);

        assertThat(cache.readPixelCost(HW, B0, new FrameSize(1280, 720))).contains(7.4512345678);
        assertThat(cache.readPixelCost(HW, B0, new FrameSize(1920, 1080))).isEmpty();
        assertThat(cache.readPixelCost(HW, B3, new FrameSize(1280, 720))).isEmpty();
    }

    @Test
    void cacheFilesFromBeforeTheBatchP99WasNamedAreMeasuredAgain() throws Exception {
        MeasurementCache cache = new MeasurementCache(tmp.resolve("cache"));
        CacheKey key = new CacheKey(HW, B0, List.of(1));
        Properties old = new Properties();
        old.setProperty("key", key.text());
        old.setProperty("seconds", "2.0");
        old.setProperty("batch.1.fps", "60.0");
        old.setProperty("batch.1.p99_ms", "20.0");
        old.setProperty("batch.1.batches", "120");
        Files.createDirectories(cache.dir());
        try (var w = Files.newBufferedWriter(cache.dir().resolve(key.fileName()))) {
            old.store(w, null);
        }

        assertThat(cache.read(key, 2)).isEmpty();
    }

    @Test
    void thePixelPathAddsItsCoreTimeToEachFrame() {
        Measurement model = new Measurement(B0, 2, 100, 20, 50); // 10 core-ms per frame with one thread

        Measurement oneThread = SlotCostModel.withPixelPath(model, 5, 1);
        assertThat(oneThread.framesPerSecond()).isCloseTo(1000.0 / 15, offset(1e-9));
        assertThat(oneThread.batchP99Millis()).as("decoding is not part of a batch").isEqualTo(20);
        assertThat(oneThread.batchSize()).isEqualTo(2);

        // Two threads at 150 frames/s: 13.33 core-ms per frame in the model, plus 5, over two cores = 109.1/s.
        Measurement twoThreads = SlotCostModel.withPixelPath(new Measurement(B0, 1, 150, 10, 50), 5, 2);
        assertThat(twoThreads.framesPerSecond()).isCloseTo(109.09, offset(0.01));
        assertThat(SlotCostModel.withPixelPath(model, 0, 1)).isEqualTo(model);
        assertThatThrownBy(() -> SlotCostModel.withPixelPath(model, -1, 1)).hasMessageContaining("pixel cost must be >= 0");
    }

    @Test
    void theCameraLikeFrameIsARealJpegOfTheAskedSize() throws Exception {
        byte[] jpeg = CameraLikeFrame.jpeg(new FrameSize(320, 200), 7);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));

        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(200);
        assertThat(jpeg.length).as("compresses like a scene, neither flat nor noise").isBetween(5_000, 100_000);
        assertThat(CameraLikeFrame.jpeg(new FrameSize(320, 200), 7)).isEqualTo(jpeg);
    }

    @Test
    void fingerprintReadsTheCpuModelFromCpuinfo() {
        assertThat(HardwareFingerprint.parseCpuModel(List.of("processor\t: 0", "vendor_id\t: GenuineIntel",
                "model name\t: Intel(R) Xeon(R)   CPU @ 2.20GHz", "model name\t: ignored"))).isEqualTo(
                "Intel(R) Xeon(R) CPU @ 2.20GHz");
        assertThat(HardwareFingerprint.parseCpuModel(List.of("processor : 0"))).isEqualTo("unknown");
        assertThat(HW.describe()).isEqualTo(
                "arch=amd64;cpu=Test CPU @ 2GHz;processors=2;ort=1.29.0;device=cpu;threads=1");
    }

    @Test
    void theChartJoinsTheFrontOnALogAxisAndShowsDominatedPointsAlone() throws Exception {
        List<ParetoFront.Point> points = List.of(new ParetoFront.Point("B0", 100, 77.1),
                new ParetoFront.Point("B1", 60, 79.1), new ParetoFront.Point("worse", 50, 76.0));

        JFreeChart chart = PlanChart.chart(points, "test chart");

        XYPlot plot = chart.getXYPlot();
        assertThat(plot.getDomainAxis()).isInstanceOf(LogarithmicAxis.class);
        XYSeriesCollection data = (XYSeriesCollection) plot.getDataset();
        XYSeries front = data.getSeries(PlanChart.FRONT);
        XYSeries dominated = data.getSeries(PlanChart.DOMINATED);
        assertThat(front.getItemCount()).isEqualTo(2);
        assertThat(front.getX(0).doubleValue()).isEqualTo(60);
        assertThat(front.getX(1).doubleValue()).isEqualTo(100);
        assertThat(dominated.getItemCount()).isEqualTo(1);
        assertThat(dominated.getY(0).doubleValue()).isEqualTo(76.0);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        assertThat(renderer.getSeriesLinesVisible(data.indexOf(PlanChart.FRONT))).isTrue();
        assertThat(renderer.getSeriesLinesVisible(data.indexOf(PlanChart.DOMINATED))).isFalse();
        assertThat(renderer.getItemLabelGenerator(1, 0).generateLabel(data, 1, 0)).isEqualTo("worse");
        assertThat(renderer.getItemLabelGenerator(0, 1).generateLabel(data, 0, 1)).isEqualTo("B0");
        assertThat(chart.getTitle().getText()).isEqualTo("test chart");

        Path png = tmp.resolve("charts/plan.png");
        PlanChart.write(points, "test chart", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(560);
        assertThatThrownBy(() -> PlanChart.chart(List.of(), "empty")).hasMessageContaining("nothing to chart");
    }
}
