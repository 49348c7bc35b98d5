package io.flinkvision.core.pipeline;

import io.flinkvision.core.classification.TopKClassifier;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Labels detected objects with a classifier: each box chosen by {@link SecondarySettings} is cropped
 * from the frame as it was decoded for the detector (no second decode), put through the classifier's
 * own eval transform, and all crops of a frame go through the classifier as one batch; each box gets
 * the classifier's top-k. The runner is not owned: whoever opened it closes it, after the pipeline.
 *
 * <p>Thread-safe: the runner is, and the rest is immutable.
 */
public final class SecondaryClassifier {
    private final ModelRunner runner;
    private final SecondarySettings settings;
    private final ImagePreprocessor preprocessor;
    private final TopKClassifier classifier;
    private final String inputName;
    private final String outputName;

    /** @throws IllegalArgumentException when the runner's model is not a classifier */
    public SecondaryClassifier(ModelRunner runner, SecondarySettings settings) {
        ModelSpec spec = runner.spec();
        if (spec.task() != ModelTask.CLASSIFICATION) {
            throw new IllegalArgumentException("the secondary model " + spec.name()
                    + " is a detector; it must be a classifier (--secondary-model)");
        }
        this.runner = runner;
        this.settings = settings;
        this.preprocessor = new ImagePreprocessor(spec.preprocess());
        this.classifier = new TopKClassifier(spec);
        this.inputName = spec.inputName();
        this.outputName = spec.outputName();
    }

    public SecondarySettings settings() {
        return settings;
    }

    /** The frame's detections, the chosen ones with their classifier top-k, in the same order. */
    public Classified classify(RgbImage frame, List<Detection> detections) throws InferenceException {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < detections.size() && chosen.size() < settings.maxBoxes(); i++) {
            if (detections.get(i).getScore() >= settings.minScore()) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty()) {
            return new Classified(detections, 0);
        }
        List<Map<String, Tensor>> samples = new ArrayList<>(chosen.size());
        for (int i : chosen) {
            samples.add(Map.of(inputName, sample(crop(frame, detections.get(i)))));
        }
        List<Map<String, Tensor>> outputs = runner.run(samples);
        if (outputs == null || outputs.size() != samples.size()) {
            throw new InferenceException("the secondary classifier returned "
                    + (outputs == null ? "no" : outputs.size()) + " results for " + samples.size() + " boxes");
        }
        List<Detection> labelled = new ArrayList<>(detections);
        for (int k = 0; k < chosen.size(); k++) {
            Tensor scores = outputs.get(k).get(outputName);
            if (scores == null) {
                throw new IllegalArgumentException("the secondary classifier returned no output '" + outputName + "'");
            }
            int i = chosen.get(k);
            labelled.set(i, Detection.newBuilder(detections.get(i)).setSecondaryTopK(classifier.classify(scores.floats()))
                    .build());
        }
        return new Classified(labelled, chosen.size());
    }

    /** @param classifiedBoxes how many boxes the classifier labelled */
    public record Classified(List<Detection> detections, int classifiedBoxes) {}

    private Tensor sample(RgbImage crop) {
        PreprocessSpec spec = preprocessor.spec();
        if (spec.elementType() == InputElementType.UINT8) {
            byte[] values = new byte[spec.sampleLength()];
            preprocessor.preprocessInto(crop, values, 0);
            return Tensor.ofUint8(spec.sampleShape(), values);
        }
        float[] values = new float[spec.sampleLength()];
        preprocessor.preprocessInto(crop, values, 0);
        return Tensor.ofFloats(spec.sampleShape(), values);
    }

    /**
     * The pixels the box covers: from the pixel holding its top-left corner to the one holding its
     * bottom-right corner (boxes are continuous, pixels are cells), at least one pixel, inside the frame.
     */
    static RgbImage crop(RgbImage frame, Detection box) {
        int x0 = clamp((int) Math.floor(box.getXMin()), 0, frame.width() - 1);
        int y0 = clamp((int) Math.floor(box.getYMin()), 0, frame.height() - 1);
        int x1 = clamp((int) Math.ceil(box.getXMax()), x0 + 1, frame.width());
        int y1 = clamp((int) Math.ceil(box.getYMax()), y0 + 1, frame.height());
        int w = x1 - x0;
        int h = y1 - y0;
        byte[] pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(frame.pixels(), ((y0 + y) * frame.width() + x0) * 3, pixels, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, pixels);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
