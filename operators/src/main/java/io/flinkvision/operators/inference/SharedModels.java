package io.flinkvision.operators.inference;

import io.flinkvision.operators.model.ModelSpec;

/**
 * One {@link ModelRunner} per (model, options) per JVM, shared by every slot of a TaskManager and
 * closed by reference count, only when no run is in flight.
 *
 * <p>STUB: the inference helper replaces this body (keeping the public API).
 */
public final class SharedModels {
    private SharedModels() {}

    /** Opens (or shares) the runner; close the lease when done. */
    public static Lease acquire(ModelSpec spec, RunnerOptions options) {
        throw new UnsupportedOperationException();
    }

    /** A counted reference to a shared runner. */
    public interface Lease extends AutoCloseable {
        ModelRunner runner();

        @Override
        void close();
    }
}
