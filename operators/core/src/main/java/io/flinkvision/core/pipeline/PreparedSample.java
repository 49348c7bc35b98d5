package io.flinkvision.core.pipeline;

import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.runtime.Tensor;
import java.util.Map;

/**
 * One frame ready for the model.
 *
 * @param inputs the frame's model inputs by name, one sample of a batch (without the batch dimension)
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param preprocessMicros time spent decoding and preprocessing it
 * @param placement where the frame landed in the model input (maps boxes back to the frame)
 * @param image the decoded frame, kept only when the translator needs it after the model ran (to crop
 *     boxes for a secondary classifier); null otherwise, so that frames in flight hold no pixels
 */
public record PreparedSample(Map<String, Tensor> inputs, int width, int height, long preprocessMicros,
        ImagePlacement placement, RgbImage image) {

    public PreparedSample {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("a prepared sample needs its model inputs");
        }
        if (preprocessMicros < 0) {
            throw new IllegalArgumentException("preprocessMicros must be >= 0, got " + preprocessMicros);
        }
        inputs = Map.copyOf(inputs);
    }

    /** A sample without placement or image (tests, tasks that map nothing back). */
    public PreparedSample(Map<String, Tensor> inputs, int width, int height, long preprocessMicros) {
        this(inputs, width, height, preprocessMicros, null, null);
    }
}
