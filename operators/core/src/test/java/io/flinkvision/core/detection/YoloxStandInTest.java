package io.flinkvision.core.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.ChannelOrder;
import io.flinkvision.core.model.DecoderKind;
import io.flinkvision.core.model.DecoderParameters.YoloxGrid;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.core.model.PixelRange;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.ResizeFilter;
import io.flinkvision.core.model.ResizeMode;
import io.flinkvision.core.model.TensorLayout;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.testkit.ExpectedDetections;
import io.flinkvision.testkit.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pretrained YOLOX-nano stand-in run directly: ImageDecoder, the contract's preprocessing (read
 * from the file and the YOLOX defaults), ONNX Runtime, the YOLOX decoder and NMS find the objects
 * that {@code images/detections.tsv} lists for the shared photos.
 */
class YoloxStandInTest {

    @Test
    void theContractComesFromTheFileAndTheYoloxDefaults() {
        ModelSpec spec = standIn();
        assertThat(spec.task()).isEqualTo(ModelTask.DETECTION);
        assertThat(spec.detection().decoder()).isEqualTo(DecoderKind.YOLOX);
        assertThat(spec.detection().parameters()).isEqualTo(new YoloxGrid(new int[] {8, 16, 32}));
        assertThat(spec.detection().outputs()).containsExactly("output");
        assertThat(spec.detection().classes()).isEqualTo(80);
        assertThat(spec.labels()).hasSize(80).startsWith("person").endsWith("toothbrush");
        assertThat(spec.inputName()).isEqualTo("images");
        assertThat(spec.fixedBatchSize()).isEqualTo(1);
        PreprocessSpec p = spec.preprocess();
        assertThat(p.width()).isEqualTo(416);
        assertThat(p.height()).isEqualTo(416);
        assertThat(p.layout()).isEqualTo(TensorLayout.NCHW);
        assertThat(p.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(p.pixelRange()).isEqualTo(PixelRange.RAW);
        assertThat(p.mean()).containsExactly(0f, 0f, 0f);
        assertThat(p.std()).containsExactly(1f, 1f, 1f);
        assertThat(p.resizeMode()).isEqualTo(ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(p.resizeFilter()).isEqualTo(ResizeFilter.OPENCV_LINEAR);
        assertThat(p.padValue()).isEqualTo(114f);
        assertThat(spec.detection().scoreThreshold()).isEqualTo(0.3f);
        assertThat(spec.detection().nmsIouThreshold()).isEqualTo(0.45f);
    }

    @Test
    void findsTheObjectsListedForTheSharedPhotos() throws Exception {
        ModelSpec spec = standIn();
        Map<String, List<String>> expected = ExpectedDetections.read(SharedFixtures.expectedDetections());
        assertThat(expected).hasSizeGreaterThanOrEqualTo(6);
        ImageDecoder decoder = new ImageDecoder(40_000_000L);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocess());
        ObjectDetector detector = new ObjectDetector(spec);
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            for (Map.Entry<String, List<String>> photo : expected.entrySet()) {
                Path file = SharedFixtures.images().resolve(photo.getKey());
                RgbImage image = decoder.decode(encoding(file), 0, 0, Files.readAllBytes(file));
                float[] sample = new float[spec.preprocess().sampleLength()];
                ImagePlacement placement = preprocessor.preprocessInto(image, sample, 0);
                float[] output = runner.run(new float[][] {sample})[0];
                List<Detection> found = detector.detect(Map.of("output", Tensor.ofFloats(new long[] {3549, 85}, output)),
                        placement).detections();

                List<String> confident = found.stream().filter(d -> d.getScore() >= ExpectedDetections.MIN_SCORE)
                        .map(Detection::getLabel).toList();
                assertThat(confident).as("%s: %s", photo.getKey(), found).containsAll(photo.getValue());
                for (Detection d : found) {
                    assertThat(d.getXMin()).isBetween(0f, (float) image.width());
                    assertThat(d.getXMax()).isBetween(d.getXMin(), (float) image.width());
                    assertThat(d.getYMin()).isBetween(0f, (float) image.height());
                    assertThat(d.getYMax()).isBetween(d.getYMin(), (float) image.height());
                }
            }
        }
    }

    @Test
    void thePersonFillsGraceHoppersPortrait() throws Exception {
        // "one person fills the frame" (detections.tsv): the person box covers most of the photo
        ModelSpec spec = standIn();
        Path file = SharedFixtures.images().resolve("grace_hopper_uniform.jpg");
        RgbImage image = new ImageDecoder(40_000_000L).decode(FrameEncoding.JPEG, 0, 0, Files.readAllBytes(file));
        float[] sample = new float[spec.preprocess().sampleLength()];
        ImagePlacement placement = new ImagePreprocessor(spec.preprocess()).preprocessInto(image, sample, 0);
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1))) {
            float[] output = runner.run(new float[][] {sample})[0];
            Detection person = new ObjectDetector(spec).detect(
                    Map.of("output", Tensor.ofFloats(new long[] {3549, 85}, output)), placement).detections().stream()
                    .filter(d -> d.getLabel().equals("person")).findFirst().orElseThrow();
            double area = (person.getXMax() - person.getXMin()) * (person.getYMax() - person.getYMin());
            assertThat(area / ((double) image.width() * image.height())).isGreaterThan(0.5);
        }
    }

    static ModelSpec standIn() {
        return ModelSpec.builder().modelPath(SharedFixtures.detectorStandIn()).labelsPath(SharedFixtures.cocoLabels())
                .build();
    }

    static FrameEncoding encoding(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") ? FrameEncoding.PNG
                : FrameEncoding.JPEG;
    }
}
