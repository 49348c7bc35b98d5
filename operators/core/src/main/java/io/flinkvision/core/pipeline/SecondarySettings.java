package io.flinkvision.core.pipeline;

import java.io.Serializable;

/**
 * Which detected boxes the secondary classifier labels (DeepStream's secondary model, {@code --task
 * detect+classify}): those scoring at least {@code minScore}, best first, at most {@code maxBoxes}
 * per frame, so that a crowded frame costs a bounded number of classifier runs.
 */
public record SecondarySettings(float minScore, int maxBoxes) implements Serializable {
    public SecondarySettings {
        if (!(minScore >= 0f && minScore <= 1f)) {
            throw new IllegalArgumentException("the secondary classifier's minimum box score must be in [0, 1], got "
                    + minScore + " (--secondary-min-score)");
        }
        if (maxBoxes < 1) {
            throw new IllegalArgumentException("the secondary classifier must classify at least one box per frame, got "
                    + maxBoxes + " (--secondary-max-boxes)");
        }
    }
}
