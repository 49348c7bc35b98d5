package io.flinkvision.operators.classification;

import io.flinkvision.operators.model.ModelSpec;
import io.flinkvision.schemas.Classification;
import java.util.List;

/**
 * Postprocessing: one output row to the top-k classes with labels and probabilities (softmax when
 * the model emits logits; background class of 1001-class models dropped).
 *
 * <p>STUB: the inference helper replaces this body (keeping the public API).
 */
public final class TopKClassifier {
    public TopKClassifier(ModelSpec spec) {}

    public List<Classification> classify(float[] outputRow) {
        throw new UnsupportedOperationException();
    }
}
