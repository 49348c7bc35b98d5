package io.flinkvision.core.sharing;

import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;

import io.flinkvision.core.model.ModelSpec;

/**
 * One {@link ModelRunner} per (model, options) per JVM, shared by every slot of a TaskManager and
 * closed by reference count, only when no run is in flight (the runner's close waits for them).
 */
public final class SharedModels {
    private static final RunnerRegistry RUNNERS = new RunnerRegistry(OnnxModelRunner::new);

    private SharedModels() {}

    /**
     * Opens (or shares) the runner; close the lease when done.
     *
     * @throws IllegalStateException when the model cannot be opened (see {@link OnnxModelRunner})
     */
    public static Lease acquire(ModelSpec spec, RunnerOptions options) {
        return RUNNERS.acquire(spec, options);
    }

    /** Runners open in this JVM, for tests and metrics. */
    public static int openRunners() {
        return RUNNERS.openRunners();
    }

    /** A counted reference to a shared runner. */
    public interface Lease extends AutoCloseable {
        /** @throws IllegalStateException after this lease was closed */
        ModelRunner runner();

        /** Releases the reference; the last one closes the runner. A second close does nothing. */
        @Override
        void close();
    }
}
