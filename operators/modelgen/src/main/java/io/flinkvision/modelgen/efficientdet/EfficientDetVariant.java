package io.flinkvision.modelgen.efficientdet;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;

import java.util.Locale;

/**
 * EfficientDet-D0..D7 as published (Tan, Pang and Le, CVPR 2020, table 1) and as Google's reference
 * implementation configures them ({@code automl/efficientdet/hparams_config.py}).
 *
 * <p>The compound rule is W = 64 * 1.35^phi BiFPN channels, D = 3 + phi BiFPN layers,
 * 3 + floor(phi / 3) box/class layers and R = 512 + 128 phi input pixels, but the table rounds and
 * adjusts it, and the table is what the published models (and their parameter counts) are: widths 64,
 * 88, 112, 160, 224, 288, 384, 384; BiFPN layers 3, 4, 5, 6, 7, 7, 8, 8 (D5 keeps 7, D6 and D7 have 8);
 * head layers 3, 3, 3, 4, 4, 4, 5, 5; inputs 512, 640, 768, 896, 1024, 1280, 1280, 1536. D7 reuses
 * D6's B6 backbone and widths at a larger input with anchor scale 5 instead of 4; D6 and D7 fuse BiFPN
 * inputs by a plain sum ("for stability", as the reference says) instead of fast normalized fusion.
 */
public enum EfficientDetVariant {
    D0(EfficientNetVariant.B0, 512, 64, 3, 3, 4.0, Fusion.FAST_NORMALIZED),
    D1(EfficientNetVariant.B1, 640, 88, 4, 3, 4.0, Fusion.FAST_NORMALIZED),
    D2(EfficientNetVariant.B2, 768, 112, 5, 3, 4.0, Fusion.FAST_NORMALIZED),
    D3(EfficientNetVariant.B3, 896, 160, 6, 4, 4.0, Fusion.FAST_NORMALIZED),
    D4(EfficientNetVariant.B4, 1024, 224, 7, 4, 4.0, Fusion.FAST_NORMALIZED),
    D5(EfficientNetVariant.B5, 1280, 288, 7, 4, 4.0, Fusion.FAST_NORMALIZED),
    D6(EfficientNetVariant.B6, 1280, 384, 8, 5, 4.0, Fusion.SUM),
    D7(EfficientNetVariant.B6, 1536, 384, 8, 5, 5.0, Fusion.SUM);

    /** How a BiFPN node combines its (resampled) inputs. */
    public enum Fusion {
        /** sum_i relu(w_i) * x_i / (eps + sum_j relu(w_j)), one trained scalar w_i per input edge. */
        FAST_NORMALIZED,
        /** sum_i x_i, no weights. */
        SUM
    }

    private final EfficientNetVariant backbone;
    private final int resolution;
    private final int bifpnWidth;
    private final int bifpnLayers;
    private final int headLayers;
    private final double anchorScale;
    private final Fusion fusion;

    EfficientDetVariant(EfficientNetVariant backbone, int resolution, int bifpnWidth, int bifpnLayers, int headLayers,
                        double anchorScale, Fusion fusion) {
        this.backbone = backbone;
        this.resolution = resolution;
        this.bifpnWidth = bifpnWidth;
        this.bifpnLayers = bifpnLayers;
        this.headLayers = headLayers;
        this.anchorScale = anchorScale;
        this.fusion = fusion;
    }

    /** Compound coefficient phi (D7 = 7, though its backbone and widths are D6's). */
    public int phi() {
        return ordinal();
    }

    public EfficientNetVariant backbone() {
        return backbone;
    }

    /** Native input height and width in pixels. */
    public int resolution() {
        return resolution;
    }

    /** Channels of every BiFPN node and of the class and box nets. */
    public int bifpnWidth() {
        return bifpnWidth;
    }

    /** Repeated BiFPN cells. */
    public int bifpnLayers() {
        return bifpnLayers;
    }

    /** Separable convolutions in each of the class and box nets before their prediction layer. */
    public int headLayers() {
        return headLayers;
    }

    /** Base anchor size in units of the level's stride (the anchor at scale 2^0 and ratio 1:1 is stride x this). */
    public double anchorScale() {
        return anchorScale;
    }

    public Fusion fusion() {
        return fusion;
    }

    /** Parses "D3", "d3" or "efficientdet-d3". */
    public static EfficientDetVariant parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("EFFICIENTDET")) {
            t = t.substring("EFFICIENTDET".length()).replaceFirst("^[-_]", "");
        }
        return valueOf(t);
    }
}
