package io.flinkvision.publisher;

/** Kafka refused or lost a frame; the run stopped. {@link #summary()} says what was sent before. */
public final class FramePublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient PublishSummary summary;

    FramePublishException(String message, Throwable cause, PublishSummary summary) {
        super(message, cause);
        this.summary = summary;
    }

    public PublishSummary summary() {
        return summary;
    }
}
