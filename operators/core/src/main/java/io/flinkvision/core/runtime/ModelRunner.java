package io.flinkvision.core.runtime;

import io.flinkvision.core.model.ModelSpec;

/**
 * Runs one batch through a model. Implementations are thread-safe ({@code run} may be called
 * concurrently) and {@link #close()} waits for runs in flight: closing a native session while it
 * runs crashes the JVM.
 */
public interface ModelRunner extends AutoCloseable {

    /**
     * @param batch one preprocessed sample per row, each {@code spec().preprocess().sampleLength()} long
     * @return one output row per sample ({@code spec().outputLength()} values), same order
     * @throws InferenceException if the runtime fails; the whole batch failed
     */
    float[][] run(float[][] batch) throws InferenceException;

    ModelSpec spec();

    /** Where it runs, asked for and got, for logs and metrics. */
    DevicePlacement placement();

    @Override
    void close();
}
