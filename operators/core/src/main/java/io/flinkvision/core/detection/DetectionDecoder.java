package io.flinkvision.core.detection;

import io.flinkvision.core.runtime.Tensor;
import java.util.Map;

/**
 * Turns one sample's output tensors into candidate boxes in model-input pixels, keeping only those
 * that score at least the threshold. Implementations are immutable and called concurrently.
 */
interface DetectionDecoder {

    /**
     * @param outputs the sample's outputs by name, without the batch dimension
     * @throws IllegalArgumentException when an output is missing, has the wrong size, or holds values
     *     the decoder's contract rules out (NaN, a probability outside [0, 1]): a broken output must
     *     not become confident-looking boxes
     */
    void decode(Map<String, Tensor> outputs, float scoreThreshold, Candidates out);

    static Tensor require(Map<String, Tensor> outputs, String name, int size) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the model returned no output '" + name + "'; it returned "
                    + outputs.keySet());
        }
        if (size >= 0 && t.size() != size) {
            throw new IllegalArgumentException("output '" + name + "' " + t + " has " + t.size()
                    + " values per sample, the decoder expects " + size);
        }
        return t;
    }
}
