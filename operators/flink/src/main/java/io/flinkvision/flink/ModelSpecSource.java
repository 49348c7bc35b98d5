package io.flinkvision.flink;

import io.flinkvision.core.model.ModelSpec;
import java.io.Serializable;

/**
 * Where an inference operator gets its {@link ModelSpec}: resolved in {@code open()}, on the
 * TaskManager, so that the model file has to be reachable from there and not from the client or the
 * JobManager (in application mode {@code main()} runs on the JobManager, which usually has no models).
 * Serializable: it travels with the job graph.
 */
@FunctionalInterface
public interface ModelSpecSource extends Serializable {

    /**
     * Reads the model (fetching it first where it is remote) and returns its spec.
     *
     * @throws Exception with a message that names the model and what is wrong with it
     */
    ModelSpec resolve() throws Exception;

    /** A spec already built where the job was built: for tests and single-JVM runs. */
    static ModelSpecSource of(ModelSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        return new Resolved(spec);
    }

    /** A named class rather than a lambda, so that it serializes without a capturing-lambda quirk. */
    record Resolved(ModelSpec spec) implements ModelSpecSource {
        @Override
        public ModelSpec resolve() {
            return spec;
        }
    }
}
