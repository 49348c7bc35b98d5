package io.flinkvision.core.runtime;

/**
 * The model ran but its outputs break its contract: missing, of the wrong shape or type, or holding
 * NaN or infinity. Not transient: running it again gives the same outputs. Such frames become
 * INVALID_MODEL_OUTPUT dead letters.
 */
public class InvalidModelOutputException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public InvalidModelOutputException(String message) {
        super(message);
    }
}
