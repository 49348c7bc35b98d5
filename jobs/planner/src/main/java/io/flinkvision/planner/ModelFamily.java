package io.flinkvision.planner;

import io.flinkvision.core.model.ModelTask;
import io.flinkvision.modelgen.efficientdet.EfficientDetVariant;
import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import java.util.List;
import java.util.Locale;

/**
 * What the planner measures: the EfficientNet classifiers (B0-B7) or the EfficientDet detectors (D0-D7),
 * each with the paper's accuracy figure, and the default members measured when no variants are named.
 */
public enum ModelFamily {
    EFFICIENTNET("EfficientNet", ModelTask.CLASSIFICATION, "top1%", "ImageNet top-1 % (paper)", "B0,B1,B2,B3,B4"),
    EFFICIENTDET("EfficientDet", ModelTask.DETECTION, "AP", "COCO test-dev AP (paper)", "D0,D1,D2,D3");

    private final String displayName;
    private final ModelTask task;
    private final String accuracyColumn;
    private final String accuracyAxis;
    private final String defaultVariants;

    ModelFamily(String displayName, ModelTask task, String accuracyColumn, String accuracyAxis,
                String defaultVariants) {
        this.displayName = displayName;
        this.task = task;
        this.accuracyColumn = accuracyColumn;
        this.accuracyAxis = accuracyAxis;
        this.defaultVariants = defaultVariants;
    }

    public String displayName() {
        return displayName;
    }

    /** How the runner reads the family's outputs (a --model file is read the same way). */
    public ModelTask task() {
        return task;
    }

    /** The table's accuracy column header. */
    public String accuracyColumn() {
        return accuracyColumn;
    }

    /** The chart's accuracy axis label. */
    public String accuracyAxis() {
        return accuracyAxis;
    }

    /** The members measured when --variants is not given, e.g. "D0,D1,D2,D3". */
    public String defaultVariants() {
        return defaultVariants;
    }

    /** One member by name ("B3", "d1", "efficientdet-d2"). */
    public Candidate variant(String name) {
        return switch (this) {
            case EFFICIENTNET -> Candidate.of(EfficientNetVariant.parse(name.trim()));
            case EFFICIENTDET -> Candidate.of(EfficientDetVariant.parse(name.trim()));
        };
    }

    /** The accuracy as the report's summary line says it: "top-1 81.6%", "COCO AP 40.5" or "accuracy unknown". */
    public String describeAccuracy(Candidate c) {
        if (!c.hasAccuracy()) {
            return "accuracy unknown";
        }
        return String.format(Locale.ROOT, this == EFFICIENTNET ? "top-1 %.1f%%" : "COCO AP %.1f", c.accuracy());
    }

    /** The default members, smallest first. */
    public List<Candidate> defaults() {
        return List.of(defaultVariants.split(",")).stream().map(this::variant).toList();
    }

    /** "efficientnet" or "efficientdet", in any case. */
    public static ModelFamily parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
