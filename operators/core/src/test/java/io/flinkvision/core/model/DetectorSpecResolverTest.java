package io.flinkvision.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.model.DecoderParameters.AnchorGrid;
import io.flinkvision.core.model.DecoderParameters.BoxOutputs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A detector's contract from hand-made signatures: decoder inference, family defaults, overrides, messages. */
class DetectorSpecResolverTest {
    private static final Path PATH = Path.of("/models/det.onnx");
    private static final TensorSignature IMAGE_416 = new TensorSignature("images", "FLOAT", new long[] {1, 3, 416, 416});
    private static final ModelSignature YOLOX = new ModelSignature(List.of(IMAGE_416),
            List.of(new TensorSignature("output", "FLOAT", new long[] {1, 3549, 85})));
    private static final TensorSignature IMAGE_512 = new TensorSignature("input", "FLOAT", new long[] {-1, 3, 512, 512});
    private static final ModelSignature EFFICIENTDET = new ModelSignature(List.of(IMAGE_512), List.of(
            new TensorSignature("class_logits", "FLOAT", new long[] {-1, 49104, 90}),
            new TensorSignature("box_deltas", "FLOAT", new long[] {-1, 49104, 4})),
            Map.of("flinkvision.model_family", "efficientdet", "flinkvision.num_classes", "90",
                    "flinkvision.min_level", "3", "flinkvision.max_level", "7", "flinkvision.num_scales", "3",
                    "flinkvision.aspect_ratios", "1.0x1.0,1.4x0.7,0.7x1.4", "flinkvision.anchor_scale", "4.0"));

    private static ModelSpec resolve(ModelSpec.Builder config, ModelSignature signature, List<String> labels) {
        return ModelSpecResolver.resolve(config, PATH, signature, labels, "00");
    }

    @Test
    void aYoloxGridOutputIsDecodedAsYoloxWithItsPublishedPreprocessing() {
        ModelSpec spec = resolve(ModelSpec.builder(), YOLOX, null);
        assertThat(spec.task()).isEqualTo(ModelTask.DETECTION);
        DetectionSpec d = spec.detection();
        assertThat(d.decoder()).isEqualTo(DecoderKind.YOLOX);
        assertThat(d.classes()).isEqualTo(80);
        assertThat(d.outputs()).containsExactly("output");
        assertThat(spec.outputNames()).containsExactly("output");
        assertThat(spec.outputLength()).isEqualTo(3549 * 85);
        assertThat(spec.labels()).hasSize(80).startsWith("class_0");
        assertThat(spec.fixedBatchSize()).isEqualTo(1);
        PreprocessSpec p = spec.preprocess();
        assertThat(p.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(p.pixelRange()).isEqualTo(PixelRange.RAW);
        assertThat(p.resizeMode()).isEqualTo(ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(p.resizeFilter()).isEqualTo(ResizeFilter.OPENCV_LINEAR);
        assertThat(p.resizeShorterSide()).isZero();
        assertThat(p.padValue()).isEqualTo(114f);
    }

    @Test
    void configuredValuesWinOverTheFamilyDefaults() {
        ModelSpec spec = resolve(ModelSpec.builder().channelOrder(ChannelOrder.RGB).pixelRange(PixelRange.UNIT)
                .resizeMode(ResizeMode.LETTERBOX_CENTRED).resizeFilter(ResizeFilter.PIL_BILINEAR).padValue(0.5f)
                .scoreThreshold(0.6f).nmsIouThreshold(0.3f).maxDetections(7), YOLOX, null);
        PreprocessSpec p = spec.preprocess();
        assertThat(p.channelOrder()).isEqualTo(ChannelOrder.RGB);
        assertThat(p.pixelRange()).isEqualTo(PixelRange.UNIT);
        // another pixel range than the family's: the family's mean/std no longer apply, the identity does
        assertThat(p.mean()).containsExactly(0f, 0f, 0f);
        assertThat(p.resizeMode()).isEqualTo(ResizeMode.LETTERBOX_CENTRED);
        assertThat(p.resizeFilter()).isEqualTo(ResizeFilter.PIL_BILINEAR);
        assertThat(p.padValue()).isEqualTo(0.5f);
        assertThat(spec.detection().scoreThreshold()).isEqualTo(0.6f);
        assertThat(spec.detection().nmsIouThreshold()).isEqualTo(0.3f);
        assertThat(spec.detection().maxDetections()).isEqualTo(7);
    }

    @Test
    void yoloxCellsMustMatchTheStrides() {
        ModelSignature p6 = new ModelSignature(List.of(IMAGE_416),
                List.of(new TensorSignature("output", "FLOAT", new long[] {1, 3549 + 49, 85})));
        // 3549 + 7 x 7 ... is not the 8/16/32 grid, so nothing says it is YOLOX: ask for the decoder
        assertThatThrownBy(() -> resolve(ModelSpec.builder().task(ModelTask.DETECTION), p6, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--decoder");
        assertThatThrownBy(() -> resolve(ModelSpec.builder().decoder(DecoderKind.YOLOX), p6, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3598 cells")
                .hasMessageContaining("--strides");
    }

    @Test
    void theEfficientDetContractComesFromItsMetadata() {
        ModelSpec spec = resolve(ModelSpec.builder(), EFFICIENTDET, null);
        DetectionSpec d = spec.detection();
        assertThat(d.decoder()).isEqualTo(DecoderKind.EFFICIENTDET);
        assertThat(d.outputs()).containsExactly("class_logits", "box_deltas");
        assertThat(d.classes()).isEqualTo(90);
        assertThat(d.parameters()).isEqualTo(AnchorGrid.efficientDetDefaults());
        assertThat(d.nmsIouThreshold()).isEqualTo(0.5f);
        assertThat(spec.fixedBatchSize()).isZero();
        PreprocessSpec p = spec.preprocess();
        assertThat(p.channelOrder()).isEqualTo(ChannelOrder.RGB);
        assertThat(p.pixelRange()).isEqualTo(PixelRange.UNIT);
        assertThat(p.mean()).containsExactly(PreprocessSpec.IMAGENET_MEAN);
        assertThat(p.resizeMode()).isEqualTo(ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(p.padValue()).isZero();

        Map<String, String> d7 = new java.util.HashMap<>(EFFICIENTDET.metadata());
        d7.put("flinkvision.anchor_scale", "5.0");
        assertThat(resolve(ModelSpec.builder(), new ModelSignature(EFFICIENTDET.inputs(), EFFICIENTDET.outputs(), d7),
                null).detection().parameters()).isEqualTo(new AnchorGrid(3, 7, 3, AnchorGrid.DEFAULT_ASPECT_RATIOS, 5.0));
    }

    @Test
    void efficientDetShapesAreCheckedAgainstTheAnchors() {
        ModelSignature noMetadata = new ModelSignature(List.of(IMAGE_512), List.of(
                new TensorSignature("scores", "FLOAT", new long[] {-1, 49104, 90}),
                new TensorSignature("boxes", "FLOAT", new long[] {-1, 49104, 4})));
        // two [N, A, *] outputs, one of 4: EfficientDet by shape, with the reference's anchors
        assertThat(resolve(ModelSpec.builder(), noMetadata, null).detection().decoder())
                .isEqualTo(DecoderKind.EFFICIENTDET);
        ModelSignature wrongAnchors = new ModelSignature(List.of(IMAGE_512), List.of(
                new TensorSignature("scores", "FLOAT", new long[] {-1, 49000, 90}),
                new TensorSignature("boxes", "FLOAT", new long[] {-1, 49000, 4})));
        assertThatThrownBy(() -> resolve(ModelSpec.builder().decoder(DecoderKind.EFFICIENTDET), wrongAnchors, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("49000 anchors")
                .hasMessageContaining("49104");
        ModelSignature oddSize = new ModelSignature(
                List.of(new TensorSignature("input", "FLOAT", new long[] {-1, 3, 500, 500})), noMetadata.outputs());
        assertThatThrownBy(() -> resolve(ModelSpec.builder().decoder(DecoderKind.EFFICIENTDET), oddSize, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 128");
    }

    @Test
    void boxesOutputsAreFoundByShapeAndName() {
        ModelSignature nms = new ModelSignature(List.of(new TensorSignature("image", "UINT8", new long[] {1, 640, 640, 3})),
                List.of(new TensorSignature("num_detections", "INT64", new long[] {1}),
                        new TensorSignature("detection_boxes", "FLOAT", new long[] {1, 100, 4}),
                        new TensorSignature("detection_scores", "FLOAT", new long[] {1, 100}),
                        new TensorSignature("detection_classes", "INT64", new long[] {1, 100})));
        ModelSpec spec = resolve(ModelSpec.builder().boxFormat(BoxFormat.YXYX).normalizedBoxes(true), nms, null);
        assertThat(spec.detection().decoder()).isEqualTo(DecoderKind.BOXES);
        assertThat(spec.detection().parameters()).isEqualTo(new BoxOutputs("detection_boxes", "detection_scores",
                "detection_classes", "num_detections", BoxFormat.YXYX, true));
        assertThat(spec.detection().outputs())
                .containsExactly("detection_boxes", "detection_scores", "detection_classes", "num_detections");
        assertThat(spec.detection().nmsIouThreshold()).isEqualTo(1f);
        assertThat(spec.labels()).isEmpty();
        // a uint8 input is padded with a pixel value
        assertThat(spec.preprocess().layout()).isEqualTo(TensorLayout.NHWC);
        assertThat(spec.preprocess().padValue()).isEqualTo(114f);

        ModelSignature combined = new ModelSignature(List.of(IMAGE_416),
                List.of(new TensorSignature("dets", "FLOAT", new long[] {1, 300, 6})));
        ModelSpec c = resolve(ModelSpec.builder(), combined, List.of("a", "b"));
        assertThat(c.detection().parameters()).isEqualTo(new BoxOutputs("dets", null, null, null, BoxFormat.XYXY, false));
        assertThat(c.labels()).containsExactly("a", "b");
    }

    @Test
    void settingsOfTheOtherTaskAreRefusedWithTheirOption() {
        ModelSignature classifier = new ModelSignature(
                List.of(new TensorSignature("input", "FLOAT", new long[] {-1, 3, 224, 224})),
                List.of(new TensorSignature("logits", "FLOAT", new long[] {-1, 1000})));
        assertThat(resolve(ModelSpec.builder(), classifier, null).task()).isEqualTo(ModelTask.CLASSIFICATION);
        assertThatThrownBy(() -> resolve(ModelSpec.builder().scoreThreshold(0.5f), classifier, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--score-threshold")
                .hasMessageContaining("--decoder");
        assertThatThrownBy(() -> resolve(ModelSpec.builder().classOffset(1), YOLOX, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--class-offset");
        assertThatThrownBy(() -> resolve(ModelSpec.builder(), YOLOX, List.of("person", "bicycle")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 labels")
                .hasMessageContaining("80 classes");
        assertThatThrownBy(() -> resolve(ModelSpec.builder().resizeShorterSide(480), YOLOX, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resize-mode CENTER_CROP");
        assertThatThrownBy(() -> resolve(ModelSpec.builder().scoreThreshold(1.5f), YOLOX, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--score-threshold");
        assertThatThrownBy(() -> resolve(ModelSpec.builder().nmsIouThreshold(0f), YOLOX, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nms-iou");
        assertThatThrownBy(() -> resolve(ModelSpec.builder().fixedBatchSize(4), YOLOX, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--model-batch-size");
    }

    @Test
    void aSymbolicBatchCanBePinned() {
        assertThat(resolve(ModelSpec.builder().fixedBatchSize(1), EFFICIENTDET, null).fixedBatchSize()).isEqualTo(1);
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        ModelSpec spec = resolve(ModelSpec.builder().scoreThreshold(0.25f), EFFICIENTDET, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        ModelSpec copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ModelSpec) in.readObject();
        }
        assertThat(copy.detection()).isEqualTo(spec.detection());
        assertThat(copy.preprocess().resizeMode()).isEqualTo(ResizeMode.LETTERBOX_TOP_LEFT);
        assertThat(copy.preprocess().padValue()).isZero();
        assertThat(copy.toString()).isEqualTo(spec.toString());
    }
}
