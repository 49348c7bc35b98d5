package io.flinkvision.planner;

import static io.flinkvision.modelgen.efficientnet.EfficientNetVariant.B0;
import static io.flinkvision.modelgen.efficientnet.EfficientNetVariant.B3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner's parts: options, Pareto front, measurement cache, hardware fingerprint and chart. */
class PlannerPartsTest {
    @TempDir
    Path tmp;

    private static final HardwareFingerprint HW = new HardwareFingerprint("amd64", "Test CPU @ 2GHz", 2, "1.29.0",
            "cpu", 1);

    @Test
    void optionsHaveDefaultsAndNameWhatIsWrong() {
        PlannerOptions o = PlannerOptions.parse("--streams", "4", "--fps", "7.5", "--latency-budget-ms", "250");
        assertThat(o.targetFps()).isEqualTo(30.0);
        assertThat(o.variants()).extracting(Enum::name).containsExactly("B0", "B1", "B2", "B3", "B4");
        assertThat(o.batchSizes()).containsExactly(1, 2, 4);
        assertThat(o.slotsPerTaskManager()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));

        PlannerOptions custom = PlannerOptions.parse("--streams", "1", "--fps", "1", "--latency-budget-ms", "1",
                "--variants", "b3,B0,B3", "--batch-sizes", "4,1", "--device", "CUDA", "--refresh");
        assertThat(custom.variants()).containsExactly(B0, B3);
        assertThat(custom.batchSizes()).containsExactly(1, 4);
        assertThat(custom.device()).isEqualTo("cuda");
        assertThat(custom.slotsPerTaskManager()).isEqualTo(1);
        assertThat(custom.refresh()).isTrue();

        assertThatThrownBy(() -> PlannerOptions.parse("--streams", "4"))
                .hasMessageContaining("--streams, --fps and --latency-budget-ms are required");
        assertThatThrownBy(() -> PlannerOptions.parse("--streams", "0", "--fps", "1", "--latency-budget-ms", "1"))
                .hasMessageContaining("--streams must be >= 1");
        assertThatThrownBy(() -> PlannerOptions.parse("--variants", "B9"))
                .hasMessageContaining("unknown variant 'B9'");
        assertThatThrownBy(() -> PlannerOptions.parse("--device", "tpu"))
                .hasMessageContaining("--device must be cpu or cuda");
        assertThatThrownBy(() -> PlannerOptions.parse("--fps"))
                .hasMessageContaining("--fps needs a value");
        assertThat(PlannerOptions.parse("--streams", "1", "--fps", "1", "--latency-budget-ms", "1", "--frame", "1280X720"))
                .satisfies(f -> {
                    assertThat(f.countsPixelPath()).isTrue();
                    assertThat(f.frameWidth()).isEqualTo(1280);
                    assertThat(f.frameHeight()).isEqualTo(720);
                });
        assertThat(o.countsPixelPath()).isFalse();
        assertThatThrownBy(() -> PlannerOptions.parse("--frame", "1280"))
                .hasMessageContaining("--frame needs WIDTHxHEIGHT");
        assertThatThrownBy(() -> PlannerOptions.parse("--frobnicate"))
                .hasMessageContaining("unknown argument '--frobnicate'");
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
        cache.writePixelCost(HW, B0, 1280, 720, 7.4512345678);

        assertThat(cache.readPixelCost(HW, B0, 1280, 720)).contains(7.4512345678);
        assertThat(cache.readPixelCost(HW, B0, 1920, 1080)).isEmpty();
        assertThat(cache.readPixelCost(HW, B3, 1280, 720)).isEmpty();
    }

    @Test
    void thePixelPathAddsItsCoreTimeToEachFrame() {
        Measurement model = new Measurement(B0, 2, 100, 20, 50); // 10 core-ms per frame with one thread

        Measurement oneThread = PixelPathCost.withPixelPath(model, 5, 1);
        assertThat(oneThread.framesPerSecond()).isCloseTo(1000.0 / 15, offset(1e-9));
        assertThat(oneThread.p99Millis()).isEqualTo(25);
        assertThat(oneThread.batchSize()).isEqualTo(2);

        // Two threads at 150 frames/s: 13.33 core-ms per frame in the model, plus 5, over two cores.
        Measurement twoThreads = PixelPathCost.withPixelPath(new Measurement(B0, 1, 150, 10, 50), 5, 2);
        assertThat(twoThreads.framesPerSecond()).isCloseTo(2000 / (2000.0 / 150 + 5),
                offset(1e-9));
        assertThat(PixelPathCost.withPixelPath(model, 0, 1)).isEqualTo(model);
    }

    @Test
    void theSyntheticFrameIsARealJpegOfTheAskedSize() throws Exception {
        byte[] jpeg = PixelPathCost.syntheticJpeg(320, 200, 7);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));

        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(200);
        assertThat(jpeg.length).as("compresses like a scene, neither flat nor noise").isBetween(5_000, 100_000);
        assertThat(PixelPathCost.coreMillis(B0, 320, 200, 5)).isPositive();
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
    void chartIsAPngWithTheFrontDrawnInRed() throws Exception {
        Path png = tmp.resolve("charts/plan.png");
        List<ParetoFront.Point> points = List.of(new ParetoFront.Point("B0", 100, 77.1),
                new ParetoFront.Point("B1", 60, 79.1), new ParetoFront.Point("worse", 50, 76.0));

        PlanChart.write(points, "test chart", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(560);
        long red = 0;
        long blue = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                red += rgb == 0xC83C28 ? 1 : 0;
                blue += rgb == 0x285AC8 ? 1 : 0;
            }
        }
        assertThat(red).as("front markers and line").isGreaterThan(100);
        assertThat(blue).as("the dominated point's marker").isGreaterThan(20);
        assertThatThrownBy(() -> PlanChart.render(List.of(), "empty")).hasMessageContaining("nothing to chart");
    }
}
