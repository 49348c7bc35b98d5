package io.flinkvision.core.detection;

import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.model.DecoderParameters.AnchorGrid;
import io.flinkvision.core.model.DecoderParameters.BoxOutputs;
import io.flinkvision.core.model.DecoderParameters.YoloxGrid;
import io.flinkvision.core.model.DetectionSpec;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A detector's postprocessing: one sample's output tensors to the frame's detections. Decodes the
 * candidates scoring at least the threshold ({@link DetectionSpec#scoreThreshold()}), keeps the best
 * {@link #MAX_CANDIDATES}, suppresses overlaps per class ({@link DetectionSpec#nmsIouThreshold()}),
 * keeps at most {@link DetectionSpec#maxDetections()}, and maps the boxes to frame pixels with the
 * frame's {@link ImagePlacement}, clipped to the frame. A candidate left with no area by that clipping
 * (one in the letterbox padding) is dropped before suppression: it is not an object of the frame, and
 * must neither take a place among the kept boxes nor suppress one. Suppression compares the boxes as
 * the model drew them (input pixels, unclipped), as the references do.
 *
 * <p>Thread-safe (immutable): one instance serves every frame of a model.
 */
public final class ObjectDetector {
    /** The EfficientDet reference's pre-NMS cap: bounds the suppression's cost at low thresholds. */
    public static final int MAX_CANDIDATES = 5000;

    private final DetectionSpec spec;
    private final DetectionDecoder decoder;
    private final List<String> labels;

    /** @throws IllegalStateException when the model is a classifier */
    public ObjectDetector(ModelSpec model) {
        this(model.detection(), model.labels(), model.preprocess().width(), model.preprocess().height());
    }

    /** The same rules without a model file, for tests: {@code width x height} is the model input. */
    ObjectDetector(DetectionSpec spec, List<String> labels, int width, int height) {
        this.spec = spec;
        this.labels = List.copyOf(labels);
        List<String> outputs = spec.outputs();
        this.decoder = switch (spec.decoder()) {
            case YOLOX -> new YoloxDecoder((YoloxGrid) spec.parameters(), width, height, spec.classes(), outputs.get(0));
            case EFFICIENTDET -> new EfficientDetDecoder((AnchorGrid) spec.parameters(), width, height, spec.classes(),
                    outputs.get(0), outputs.get(1));
            case BOXES -> new BoxesDecoder((BoxOutputs) spec.parameters(), width, height);
        };
    }

    public DetectionSpec spec() {
        return spec;
    }

    /**
     * @param outputs the sample's outputs by name, without the batch dimension
     * @throws IllegalArgumentException when the outputs break the decoder's contract
     */
    public DetectionResult detect(Map<String, Tensor> outputs, ImagePlacement placement) {
        Candidates decoded = new Candidates();
        decoder.decode(outputs, spec.scoreThreshold(), decoded);
        Candidates candidates = insideFrame(decoded, placement);
        long start = System.nanoTime();
        int[] kept = ClassAwareNms.select(candidates, spec.nmsIouThreshold(), spec.maxDetections(), MAX_CANDIDATES);
        long nmsNanos = System.nanoTime() - start;
        List<Detection> detections = new ArrayList<>(kept.length);
        for (int i : kept) {
            float xMin = placement.frameX(candidates.x1(i));
            float yMin = placement.frameY(candidates.y1(i));
            float xMax = placement.frameX(candidates.x2(i));
            float yMax = placement.frameY(candidates.y2(i));
            int c = candidates.classIndex(i);
            detections.add(Detection.newBuilder()
                    .setClassIndex(c)
                    .setLabel(c < labels.size() ? labels.get(c) : "class_" + c)
                    .setScore(candidates.score(i))
                    .setXMin(xMin)
                    .setYMin(yMin)
                    .setXMax(xMax)
                    .setYMax(yMax)
                    .build());
        }
        return new DetectionResult(detections, decoded.size(), nmsNanos);
    }

    private static Candidates insideFrame(Candidates all, ImagePlacement placement) {
        Candidates inside = new Candidates();
        for (int i = 0; i < all.size(); i++) {
            if (placement.frameX(all.x2(i)) > placement.frameX(all.x1(i))
                    && placement.frameY(all.y2(i)) > placement.frameY(all.y1(i))) {
                inside.add(all.x1(i), all.y1(i), all.x2(i), all.y2(i), all.score(i), all.classIndex(i));
            }
        }
        return inside;
    }
}
