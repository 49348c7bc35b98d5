package io.flinkvision.core.pipeline;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.DecodeBudget;
import io.flinkvision.core.classification.TopKClassifier;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Frame;
import java.util.Map;

/** Classification: the frame through the classifier's eval transform; its score row to top-k. */
public final class ClassificationTranslator implements FrameTranslator {
    private final DecodeAndPreprocess preparer;
    private final TopKClassifier classifier;
    private final String outputName;

    public ClassificationTranslator(ModelSpec spec, long maxPixels) {
        this(spec, DecodeBudget.ofPixels(maxPixels));
    }

    public ClassificationTranslator(ModelSpec spec, DecodeBudget budget) {
        this(new DecodeAndPreprocess(spec, budget, false), spec);
    }

    ClassificationTranslator(DecodeAndPreprocess preparer, ModelSpec spec) {
        this.preparer = preparer;
        this.classifier = new TopKClassifier(spec);
        this.outputName = spec.outputName();
    }

    @Override
    public PreparedSample prepare(Frame frame) throws FrameRejectedException {
        return preparer.prepare(frame);
    }

    @Override
    public FrameResult decode(PreparedSample sample, Map<String, Tensor> outputs) {
        Tensor scores = outputs.get(outputName);
        if (scores == null) {
            throw new IllegalArgumentException("the model returned no output '" + outputName + "'");
        }
        return FrameResult.classified(classifier.classify(scores.floats()));
    }
}
