package io.flinkvision.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The decode budget: what a frame may cost is refused from its sizes, before any raster is allocated. */
class DecodeBudgetTest {
    private static final long MAX_PIXELS = 40_000_000L;
    private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);

    @Test
    void aFrameOfAnExtremeAspectRatioIsRefusedBeforeDecoding() {
        // 65535x1 is far inside the pixel limit, but its short-side resize is 14 million columns wide.
        byte[] rgb = new byte[65535 * 3];
        assertThatThrownBy(() -> decoder.decode(FrameEncoding.RGB24, 65535, 1, rgb))
                .isInstanceOf(FrameRejectedException.class)
                .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_BUDGET_EXCEEDED))
                .hasMessageContaining("aspect ratio").hasMessageContaining("max-aspect-ratio");
        byte[] png = TestImages.png(new BufferedImage(4000, 2, BufferedImage.TYPE_3BYTE_BGR));
        assertThatThrownBy(() -> decoder.decode(FrameEncoding.PNG, 0, 0, png))
                .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_BUDGET_EXCEEDED));
    }

    @Test
    void aFrameWithinTheAspectRatioLimitStillDecodes() throws Exception {
        byte[] png = TestImages.png(TestImages.patternImage(160, 10, BufferedImage.TYPE_3BYTE_BGR)); // 16:1
        assertThat(decoder.decode(FrameEncoding.PNG, 0, 0, png).width()).isEqualTo(160);
    }

    @Test
    void aFewHundredBytesDeclaring6324x6324AreRefusedWithoutDecoding() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.patternImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        int sof = markerAt(jpeg, 0xC0);
        int sos = markerAt(jpeg, 0xDA);
        byte[] forged = Arrays.copyOf(jpeg, sos + 40); // headers, then a sliver of the scan
        putU16(forged, sof + 5, 6324); // height
        putU16(forged, sof + 7, 6324); // width
        assertThat(forged.length).isLessThan(1000);
        assertThatThrownBy(() -> decoder.decode(FrameEncoding.JPEG, 0, 0, forged))
                .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_BUDGET_EXCEEDED))
                .hasMessageContaining("6324x6324").hasMessageContaining("bytes");
    }

    @Test
    void aShortPngHeaderDeclaringAHugeImageIsRefusedWithoutDecoding() {
        byte[] png = TestImages.pngHeaderOnly(6000, 6000, 8, 2);
        assertThatThrownBy(() -> decoder.decode(FrameEncoding.PNG, 0, 0, png))
                .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_BUDGET_EXCEEDED));
    }

    @Test
    void aResizeLargerThanTheLimitIsRefusedBeforeDecoding() {
        // With the aspect ratio left open, the resize bound still holds: 40000x100 to a shorter side of 256
        // is 102400 columns.
        ImagePreprocessor resize = new ImagePreprocessor(PreprocessSpec.imagenet(224, 256));
        ImageDecoder open = new ImageDecoder(DecodeBudget.pixelsOnly(MAX_PIXELS),
                (w, h) -> resize.checkResizeBudget(w, h, DecodeBudget.DEFAULT_MAX_RESIZED_SIDE));
        byte[] rgb = new byte[40000 * 100 * 3];
        assertThatThrownBy(() -> open.decode(FrameEncoding.RGB24, 40000, 100, rgb))
                .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_BUDGET_EXCEEDED))
                .hasMessageContaining("102400x256");
    }

    @Test
    void aDecodePastItsDeadlineIsAbortedAsADecodeTimeout() {
        byte[] jpeg = TestImages.jpeg(TestImages.patternImage(2000, 1500, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        try (DecodeDeadline deadline = DecodeDeadline.start(1)) { // 1 ns: over before any row is decoded
            assertThatThrownBy(() -> decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg))
                    .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_TIMEOUT))
                    .hasMessageContaining("decode-timeout");
            assertThat(deadline.aborted()).isTrue();
        }
        // The deadline ended with its scope: the next decode on this thread is not limited.
        assertThat(decoderResultWidth(jpeg)).isEqualTo(2000);
    }

    @Test
    void aReaderPastTheDeadlineAbortsItselfMidRead() throws Exception {
        // Straight to the JPEG and PNG readers, past the check before decoding: the reader's own
        // progress callback must stop it, and its partial image must not come out.
        byte[] jpeg = TestImages.jpeg(TestImages.patternImage(1200, 900, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        byte[] png = TestImages.png(TestImages.patternImage(1200, 900, BufferedImage.TYPE_3BYTE_BGR));
        try (DecodeDeadline deadline = DecodeDeadline.start(1)) {
            assertThatThrownBy(() -> JpegDecoding.decode(JpegHeader.parse(jpeg), jpeg))
                    .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_TIMEOUT));
        }
        try (DecodeDeadline deadline = DecodeDeadline.start(1)) {
            assertThatThrownBy(() -> PngDecoding.decode(PngHeader.parse(png), png))
                    .satisfies(e -> assertThat(((FrameRejectedException) e).reason()).isEqualTo(ReasonCode.DECODE_TIMEOUT));
        }
        assertThat(JpegDecoding.decode(JpegHeader.parse(jpeg), jpeg).height()).as("no deadline, no abort").isEqualTo(900);
    }

    @Test
    void theResampleCacheStaysWithinItsByteLimit() {
        // The coefficients of a 1 -> 14 million resize (0.2 GB) are computed for that frame, never kept.
        long huge = ResampleCoefficients.estimatedBytes(1, 14_000_000, 0);
        assertThat(huge).isGreaterThan(ResampleCoefficients.CACHE_ENTRY_BYTE_LIMIT);
        ResampleCoefficients once = ResampleCoefficients.bilinear(3, 100_000);
        assertThat(once.start).hasSize(100_000);
        assertThat(ResampleCoefficients.cachedBytes()).isLessThanOrEqualTo(ResampleCoefficients.CACHE_BYTE_LIMIT);
        for (int in = 1000; in < 1200; in++) {
            ResampleCoefficients.bilinear(in, 20_000 + in); // ~250 KiB each: many more than the byte limit holds
            assertThat(ResampleCoefficients.cachedBytes()).isLessThanOrEqualTo(ResampleCoefficients.CACHE_BYTE_LIMIT);
        }
        assertThat(ResampleCoefficients.bilinear(1199, 21_199)).as("recent sizes are still served from the cache")
                .isSameAs(ResampleCoefficients.bilinear(1199, 21_199));
    }

    private int decoderResultWidth(byte[] jpeg) {
        try {
            return decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg).width();
        } catch (FrameRejectedException e) {
            throw new AssertionError(e);
        }
    }

    private static int markerAt(byte[] jpeg, int marker) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker 0x" + Integer.toHexString(marker));
    }

    private static void putU16(byte[] b, int pos, int v) {
        b[pos] = (byte) (v >> 8);
        b[pos + 1] = (byte) v;
    }
}
