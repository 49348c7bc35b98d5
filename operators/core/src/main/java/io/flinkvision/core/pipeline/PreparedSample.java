package io.flinkvision.core.pipeline;

/**
 * One frame ready for the model.
 *
 * @param sample the model input of this frame, one row of a batch
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param preprocessMicros time spent decoding and preprocessing it
 */
public record PreparedSample(float[] sample, int width, int height, long preprocessMicros) {
    public PreparedSample {
        if (sample == null) {
            throw new IllegalArgumentException("sample is required");
        }
        if (preprocessMicros < 0) {
            throw new IllegalArgumentException("preprocessMicros must be >= 0, got " + preprocessMicros);
        }
    }
}
