package io.flinkvision.modelgen.efficientnet;

/**
 * EfficientNet-B0..B7 compound-scaling coefficients as torchvision 0.14 uses them (width and depth
 * multipliers, native resolution, classifier dropout, BatchNorm epsilon) with the ImageNet top-1
 * accuracy published in the EfficientNet paper (Tan and Le, 2019, table 2).
 *
 * <p>BatchNorm epsilon: torchvision builds B0-B4 with the default {@code nn.BatchNorm2d} (eps 1e-5)
 * and only B5-B7 with {@code eps=1e-3}.
 */
public enum EfficientNetVariant {
    B0(1.0, 1.0, 224, 0.2, 1e-5f, 77.1),
    B1(1.0, 1.1, 240, 0.2, 1e-5f, 79.1),
    B2(1.1, 1.2, 260, 0.3, 1e-5f, 80.1),
    B3(1.2, 1.4, 300, 0.3, 1e-5f, 81.6),
    B4(1.4, 1.8, 380, 0.4, 1e-5f, 82.9),
    B5(1.6, 2.2, 456, 0.4, 1e-3f, 83.6),
    B6(1.8, 2.6, 528, 0.5, 1e-3f, 84.0),
    B7(2.0, 3.1, 600, 0.5, 1e-3f, 84.3);

    private final double width;
    private final double depth;
    private final int resolution;
    private final double dropout;
    private final float batchNormEpsilon;
    private final double paperTop1;

    EfficientNetVariant(double width, double depth, int resolution, double dropout, float batchNormEpsilon,
                        double paperTop1) {
        this.width = width;
        this.depth = depth;
        this.resolution = resolution;
        this.dropout = dropout;
        this.batchNormEpsilon = batchNormEpsilon;
        this.paperTop1 = paperTop1;
    }

    /** Channel multiplier (beta^phi). */
    public double width() {
        return width;
    }

    /** Repeat multiplier (alpha^phi). */
    public double depth() {
        return depth;
    }

    /** Native input height and width in pixels (gamma^phi times 224, as published). */
    public int resolution() {
        return resolution;
    }

    /** Classifier dropout in training; inference ignores it. */
    public double dropout() {
        return dropout;
    }

    public float batchNormEpsilon() {
        return batchNormEpsilon;
    }

    /** ImageNet top-1 (%) reported in the EfficientNet paper for this variant. */
    public double paperTop1() {
        return paperTop1;
    }

    /** Parses "B3", "b3" or "efficientnet_b3". */
    public static EfficientNetVariant parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.startsWith("EFFICIENTNET")) {
            t = t.substring("EFFICIENTNET".length()).replaceFirst("^[-_]", "");
        }
        return valueOf(t);
    }
}
