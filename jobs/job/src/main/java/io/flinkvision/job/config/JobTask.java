package io.flinkvision.job.config;

/**
 * What the job does with each frame ({@code --task}). The flag values are the names below, as
 * {@link #toString()} returns them (Flink matches enum settings by {@code toString()}).
 */
public enum JobTask {
    /** Top-k classes per frame from the classifier {@code --model}. */
    CLASSIFY("classify"),
    /** Boxes with classes and scores per frame from the detector {@code --model}. */
    DETECT("detect"),
    /**
     * The detector {@code --model}, then each box above {@code --secondary-min-score} (at most
     * {@code --secondary-max-boxes} per frame) classified by {@code --secondary-model}.
     */
    DETECT_AND_CLASSIFY("detect+classify");

    private final String flag;

    JobTask(String flag) {
        this.flag = flag;
    }

    public boolean detects() {
        return this != CLASSIFY;
    }

    @Override
    public String toString() {
        return flag;
    }
}
