package io.flinkvision.core.runtime;

/** The inference runtime failed on a batch. */
public class InferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public InferenceException(String message) {
        super(message);
    }
}
