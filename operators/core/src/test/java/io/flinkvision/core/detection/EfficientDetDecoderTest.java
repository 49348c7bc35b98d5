package io.flinkvision.core.detection;

import static io.flinkvision.core.detection.DecoderTestSupport.assertCandidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.model.DecoderParameters.AnchorGrid;
import io.flinkvision.core.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link EfficientDetDecoder} on a 128x128 input with the reference's anchors (P3-P7, 3 octaves x
 * 3 ratios, anchor scale 4): (16² + 8² + 4² + 2² + 1²) x 9 = 3069 anchors, 3 classes. Anchors and
 * boxes worked out by hand from the reference's rules.
 */
class EfficientDetDecoderTest {
    private static final int ANCHORS = 3069;
    private static final int CLASSES = 3;
    private static final double CUBE_ROOT_2 = Math.cbrt(2);

    private final EfficientDetDecoder decoder = new EfficientDetDecoder(AnchorGrid.efficientDetDefaults(), 128, 128,
            CLASSES, "class_logits", "box_deltas");

    @Test
    void anchorsFollowLevelRowColumnOctaveRatioOrder() {
        assertThat(AnchorGrid.efficientDetDefaults().anchors(128, 128)).isEqualTo(ANCHORS);
        // D0 at 512: 9 x (64² + 32² + 16² + 8² + 4²) = 49,104, as the generator's contract states
        assertThat(AnchorGrid.efficientDetDefaults().anchors(512, 512)).isEqualTo(49_104);
        // Anchor 0: P3 (stride 8), location (0, 0), octave 0, ratio (1, 1): centre (4, 4), side 4 * 8 = 32
        assertThat(decoder.anchorBox(0)).containsExactly(-12f, -12f, 20f, 20f);
        // Anchor 1: the same location and octave, ratio (1.4, 0.7): width 44.8, height 22.4
        assertThat(decoder.anchorBox(1)).usingComparatorWithPrecision(1e-4f).containsExactly(-7.2f, -18.4f, 15.2f, 26.4f);
        // Anchor 2399 = 16² x 9 + (1 x 8 + 2) x 9 + 1 x 3 + 2: P4 (stride 16), row 1, column 2, octave 1,
        // ratio (0.7, 1.4): centre (24, 40), base 4 x 16 x 2^(1/3), width 0.7 base, height 1.4 base
        double base = 64 * CUBE_ROOT_2;
        float[] box = decoder.anchorBox(2399);
        assertThat((double) box[0]).isCloseTo(24 - 0.7 * base, within(1e-4));
        assertThat((double) box[1]).isCloseTo(40 - 0.35 * base, within(1e-4));
        assertThat((double) box[2]).isCloseTo(24 + 0.7 * base, within(1e-4));
        assertThat((double) box[3]).isCloseTo(40 + 0.35 * base, within(1e-4));
    }

    @Test
    void decodesDeltasAgainstTheirAnchorsAndClipsToTheInput() {
        float[] logits = new float[ANCHORS * CLASSES];
        Arrays.fill(logits, -5f); // sigmoid 0.0067
        float[] deltas = new float[ANCHORS * 4];
        // Anchor 2399 (above): class 2 at logit ln(9) = score 0.9; class 0 at logit 0 = score 0.5, below 0.6
        logits[2399 * CLASSES + 2] = (float) Math.log(9);
        logits[2399 * CLASSES] = 0f;
        // deltas (ty, tx, th, tw) = (0.1, -0.2, ln 0.5, 0): centre (24 + 0.1 ha, 40 - 0.2 wa), size (ha / 2, wa)
        System.arraycopy(new float[] {0.1f, -0.2f, (float) Math.log(0.5), 0f}, 0, deltas, 2399 * 4, 4);
        // Anchor 3066: P7 (stride 128), location (0, 0), octave 2, ratio (1, 1): centre (64, 64), side
        // 4 x 128 x 2^(2/3) = 812.7: clipped to the whole input
        logits[3066 * CLASSES + 1] = 3f;

        Candidates c = new Candidates();
        decoder.decode(Map.of("class_logits", Tensor.ofFloats(new long[] {ANCHORS, CLASSES}, logits),
                "box_deltas", Tensor.ofFloats(new long[] {ANCHORS, 4}, deltas)), 0.6f, c);

        double base = 64 * CUBE_ROOT_2;
        double ha = 1.4 * base;
        double wa = 0.7 * base;
        double yc = 24 + 0.1 * ha;
        double xc = 40 - 0.2 * wa;
        assertThat(c.size()).isEqualTo(2);
        assertCandidate(c, 0, xc - wa / 2, yc - ha / 4, xc + wa / 2, yc + ha / 4, 0.9, 2);
        assertCandidate(c, 1, 0, 0, 128, 128, 1 / (1 + Math.exp(-3)), 1);
    }

    @Test
    void aThresholdOfOneHalfKeepsALogitOfZero() {
        float[] logits = new float[ANCHORS * CLASSES];
        Arrays.fill(logits, -1f);
        logits[5] = 0f; // anchor 1, class 2
        Candidates c = new Candidates();
        decoder.decode(Map.of("class_logits", Tensor.ofFloats(new long[] {ANCHORS, CLASSES}, logits),
                "box_deltas", Tensor.ofFloats(new long[] {ANCHORS, 4}, new float[ANCHORS * 4])), 0.5f, c);
        assertThat(c.size()).isEqualTo(1);
        // anchor 1 unchanged by zero deltas, (ymin, xmin) clipped at 0: x 0..26.4, y 0..15.2
        assertCandidate(c, 0, 0, 0, 26.4, 15.2, 0.5, 2);
    }

    @Test
    void notANumberIsRejected() {
        float[] logits = new float[ANCHORS * CLASSES];
        logits[77] = Float.NaN;
        assertThatThrownBy(() -> decoder.decode(Map.of("class_logits", Tensor.ofFloats(new long[] {ANCHORS, CLASSES},
                        logits), "box_deltas", Tensor.ofFloats(new long[] {ANCHORS, 4}, new float[ANCHORS * 4])), 0.5f,
                new Candidates())).hasMessageContaining("NaN");
    }
}
