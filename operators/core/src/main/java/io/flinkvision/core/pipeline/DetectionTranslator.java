package io.flinkvision.core.pipeline;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.DecodeBudget;
import io.flinkvision.core.detection.DetectionResult;
import io.flinkvision.core.detection.ObjectDetector;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Frame;
import java.util.List;
import java.util.Map;

/**
 * Detection: the frame through the detector's letterbox (or other resize), its outputs decoded to
 * boxes in frame pixels ({@link ObjectDetector}).
 */
public final class DetectionTranslator implements FrameTranslator {
    private final DecodeAndPreprocess preparer;
    private final ObjectDetector detector;

    public DetectionTranslator(ModelSpec detector, long maxPixels) {
        this(detector, DecodeBudget.ofPixels(maxPixels));
    }

    public DetectionTranslator(ModelSpec detector, DecodeBudget budget) {
        this.preparer = new DecodeAndPreprocess(detector, budget, false);
        this.detector = new ObjectDetector(detector);
    }

    @Override
    public PreparedSample prepare(Frame frame) throws FrameRejectedException {
        return preparer.prepare(frame);
    }

    @Override
    public FrameResult decode(PreparedSample sample, Map<String, Tensor> outputs) {
        DetectionResult result = detector.detect(outputs, sample.placement());
        return new FrameResult(List.of(), result.detections(), result.nmsNanos(), 0);
    }
}
