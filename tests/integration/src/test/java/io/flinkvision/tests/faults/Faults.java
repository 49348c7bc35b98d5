package io.flinkvision.tests.faults;

import java.io.Serializable;

/**
 * What a {@link FaultInjectingPipelineFactory} does to the real runner and decoder, by run index
 * (each pipeline counts its own runs from 0) and by frame sequence. Serializable: it travels to the
 * TaskManager inside the factory.
 */
public interface Faults extends Serializable {
    enum RunFault {
        NONE,
        /** Fails as ORT's CUDA provider does when out of device memory (ORT_RUNTIME_EXCEPTION): transient. */
        CUDA_OUT_OF_MEMORY,
        /** Fails as ORT does for an input of the wrong shape (ORT_INVALID_ARGUMENT): permanent. */
        INVALID_ARGUMENT,
        /** Runs, then the first sample's scores start with NaN. */
        NAN_SCORES,
        /** Runs, then the first sample's score row is one value short. */
        SHORT_ROW,
        /** Runs, then the last sample's outputs are missing. */
        MISSING_SAMPLE,
        /** Sleeps {@link #stallMillis()} before running (a stuck device). */
        STALL
    }

    RunFault run(int runIndex);

    /** Whether decoding this frame hangs for {@link #stallMillis()}, ignoring every deadline. */
    default boolean stallDecode(long sequence) {
        return false;
    }

    /** Added to every run: a slow model. */
    default long slowdownMillis() {
        return 0;
    }

    default long stallMillis() {
        return 0;
    }
}
