package io.flinkvision.core.classification;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.OutputKind;
import io.flinkvision.schemas.Classification;
import java.util.ArrayList;
import java.util.List;

/**
 * Postprocessing: one output row to the top-k classes with labels and probabilities (softmax when
 * the model emits logits; background class of 1001-class models dropped). Thread-safe (immutable).
 */
public final class TopKClassifier {
    private final List<String> labels;
    private final int classOffset;
    private final OutputKind kind;
    private final int k;

    public TopKClassifier(ModelSpec spec) {
        this(spec.labels(), spec.classOffset(), spec.outputKind(), spec.topK());
    }

    /** The same rules without a model file, for tests and custom heads. */
    TopKClassifier(List<String> labels, int classOffset, OutputKind kind, int k) {
        if (classOffset < 0 || k < 1 || labels.isEmpty()) {
            throw new IllegalArgumentException("need labels, classOffset >= 0 and k >= 1; got "
                    + labels.size() + " labels, offset " + classOffset + ", k " + k);
        }
        this.labels = List.copyOf(labels);
        this.classOffset = classOffset;
        this.kind = kind;
        this.k = k;
    }

    /**
     * @param outputRow one model output row, {@code classOffset + labels} long
     * @return at most k classes, highest score first; equal scores keep the lower class index first
     * @throws IllegalArgumentException when the row has the wrong length or a NaN/infinite value
     *     (a broken model output must not become a confident-looking label)
     */
    public List<Classification> classify(float[] outputRow) {
        int classes = labels.size();
        if (outputRow.length != classOffset + classes) {
            throw new IllegalArgumentException("output row has " + outputRow.length + " values, expected "
                    + (classOffset + classes) + " (" + classOffset + " background + " + classes + " classes)");
        }
        double[] scores = kind == OutputKind.LOGITS
                ? Softmax.of(outputRow, classOffset, classes)
                : passthrough(outputRow, classOffset, classes);
        int[] top = TopK.indices(scores, Math.min(k, classes));
        List<Classification> out = new ArrayList<>(top.length);
        for (int index : top) {
            out.add(new Classification(index, labels.get(index), (float) scores[index]));
        }
        return out;
    }

    private static double[] passthrough(float[] row, int from, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            float v = row[from + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("model output has " + v + " at index " + (from + i));
            }
            out[i] = v;
        }
        return out;
    }
}
