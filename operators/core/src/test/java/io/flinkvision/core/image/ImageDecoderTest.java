package io.flinkvision.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Every supported encoding and colour variant decodes to the right RGB; every bad payload gets its reason code. */
class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(4_000_000);

    // ---- PNG variants: lossless, so every pixel must equal the samples that were written

    @Test
    void rgbPngDecodesExactly() throws Exception {
        BufferedImage source = TestImages.patternImage(37, 23, BufferedImage.TYPE_3BYTE_BGR);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 37, 23, TestImages.png(source));
        assertPixels(image, 37, 23, (x, y) -> TestImages.patternRgb(x, y));
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage source = new BufferedImage(20, 10, BufferedImage.TYPE_4BYTE_ABGR);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                int alpha = (x * 13) & 0xFF; // includes fully transparent pixels, whose colour must survive
                source.setRGB(x, y, (alpha << 24) | TestImages.patternRgb(x, y));
            }
        }
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 20, 10, (x, y) -> TestImages.patternRgb(x, y));
    }

    @Test
    void greyPngBecomesEqualRgbChannels() throws Exception {
        BufferedImage source = new BufferedImage(19, 11, BufferedImage.TYPE_BYTE_GRAY);
        TestImages.fill(source.getRaster(), (x, y, b) -> (x * 13 + y * 7) & 0xFF);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 19, 11, (x, y) -> grey((x * 13 + y * 7) & 0xFF));
    }

    @Test
    void sixteenBitGreyKeepsTheHighByte() throws Exception {
        BufferedImage source = TestImages.ushortImage(17, 9, 1, (x, y, b) -> (x * 3001 + y * 977) & 0xFFFF);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 17, 9, (x, y) -> grey(((x * 3001 + y * 977) & 0xFFFF) >> 8));
    }

    @Test
    void sixteenBitRgbKeepsTheHighBytes() throws Exception {
        BufferedImage source = TestImages.ushortImage(13, 7, 3, (x, y, b) -> (x * 4099 + y * 631 + b * 20000) & 0xFFFF);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 13, 7, (x, y) -> {
            int r = ((x * 4099 + y * 631) & 0xFFFF) >> 8;
            int g = ((x * 4099 + y * 631 + 20000) & 0xFFFF) >> 8;
            int b = ((x * 4099 + y * 631 + 40000) & 0xFFFF) >> 8;
            return (r << 16) | (g << 8) | b;
        });
    }

    @Test
    void palettePngUsesThePaletteColours() throws Exception {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16 + 3);
            g[i] = (byte) (250 - i * 9);
            b[i] = (byte) (i * i);
        }
        IndexColorModel palette = new IndexColorModel(8, 16, r, g, b);
        BufferedImage source = new BufferedImage(21, 8, BufferedImage.TYPE_BYTE_INDEXED, palette);
        TestImages.fill(source.getRaster(), (x, y, band) -> (x + 3 * y) % 16);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 21, 8, (x, y) -> {
            int i = (x + 3 * y) % 16;
            return ((r[i] & 0xFF) << 16) | ((g[i] & 0xFF) << 8) | (b[i] & 0xFF);
        });
    }

    @Test
    void oneBitPngStretchesToBlackAndWhite() throws Exception {
        BufferedImage source = new BufferedImage(10, 4, BufferedImage.TYPE_BYTE_BINARY);
        TestImages.fill(source.getRaster(), (x, y, b) -> (x + y) % 2);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 10, 4, (x, y) -> (x + y) % 2 == 1 ? 0xFFFFFF : 0);
    }

    @Test
    void greyAlphaPngDropsTheAlpha() throws Exception {
        BufferedImage source = TestImages.greyAlphaImage(9, 6, (x, y, b) -> b == 0 ? (x * 29 + y) & 0xFF : x * 28);
        RgbImage image = decoder.decode(FrameEncoding.PNG, 0, 0, TestImages.png(source));
        assertPixels(image, 9, 6, (x, y) -> grey((x * 29 + y) & 0xFF));
    }

    @Test
    void interlacedPngDecodesExactly() throws Exception {
        BufferedImage source = TestImages.patternImage(29, 17, BufferedImage.TYPE_3BYTE_BGR);
        byte[] png = TestImages.interlacedPng(source);
        assertThat(png[28]).as("IHDR interlace method Adam7").isEqualTo((byte) 1);
        assertPixels(decoder.decode(FrameEncoding.PNG, 0, 0, png), 29, 17, (x, y) -> TestImages.patternRgb(x, y));
    }

    // ---- JPEG variants: lossy, so compare with libjpeg's own output where ImageIO gives it, and
    // with the source within a tolerance

    @Test
    void baselineJpegMatchesLibjpegAndTheSource() throws Exception {
        BufferedImage source = TestImages.smoothImage(64, 48);
        byte[] jpeg = TestImages.jpeg(source, 0.95f, false);
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 64, 48, jpeg);
        assertPixels(image, 64, 48, ImageIO.read(new ByteArrayInputStream(jpeg))::getRGB);
        assertThat(meanAbsDiff(image, source)).isLessThan(2.0);
    }

    @Test
    void oddSizedDetailedJpegMatchesLibjpeg() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.patternImage(37, 23, BufferedImage.TYPE_3BYTE_BGR), 0.8f, false);
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
        assertPixels(image, 37, 23, ImageIO.read(new ByteArrayInputStream(jpeg))::getRGB);
    }

    @Test
    void progressiveJpegDecodes() throws Exception {
        BufferedImage source = TestImages.smoothImage(48, 40);
        byte[] jpeg = TestImages.jpeg(source, 0.95f, true);
        assertThat(TestImages.hasMarker(jpeg, 0xC2)).as("progressive frame header SOF2").isTrue();
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
        assertPixels(image, 48, 40, ImageIO.read(new ByteArrayInputStream(jpeg))::getRGB);
        assertThat(meanAbsDiff(image, source)).isLessThan(2.0);
    }

    @Test
    void greyJpegBecomesEqualRgbChannels() throws Exception {
        BufferedImage source = new BufferedImage(24, 16, BufferedImage.TYPE_BYTE_GRAY);
        TestImages.fill(source.getRaster(), (x, y, b) -> 20 + 9 * x);
        byte[] jpeg = TestImages.jpeg(source, 0.95f, false);
        Raster libjpeg = ImageIO.read(new ByteArrayInputStream(jpeg)).getRaster();
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
        assertPixels(image, 24, 16, (x, y) -> grey(libjpeg.getSample(x, y, 0)));
        assertThat(Math.abs((TestImages.rgbAt(image.pixels(), 24, 5, 5) & 0xFF) - (20 + 9 * 5))).isLessThanOrEqualTo(3);
    }

    @Test
    void plainCmykJpegIsConverted() throws Exception {
        WritableRaster cmyk = TestImages.fourBandRaster(32, 24, ImageDecoderTest::cmykSample);
        byte[] jpeg = TestImages.jpegFromRaster(cmyk, 1.0f);
        assertThat(TestImages.hasMarker(jpeg, 0xEE)).as("no Adobe marker").isFalse();
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
        assertCloseToCmyk(image, 4);
    }

    @Test
    void adobeInvertedCmykJpegIsConverted() throws Exception {
        WritableRaster stored = TestImages.fourBandRaster(32, 24, (x, y, b) -> 255 - cmykSample(x, y, b));
        byte[] jpeg = TestImages.withSegmentAfterSoi(
                TestImages.jpegFromRaster(stored, 1.0f), 0xEE, TestImages.adobeApp14(0));
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
        assertCloseToCmyk(image, 4);
    }

    @Test
    void adobeYcckJpegIsConverted() throws Exception {
        // Photoshop's YCCK: the stored CMYK is inverted, and YCbCr codes (255 - stored) for C, M, Y,
        // which is the true C, M, Y; K is stored inverted
        WritableRaster stored = TestImages.fourBandRaster(32, 24, (x, y, b) -> {
            int c = cmykSample(x, y, 0);
            int m = cmykSample(x, y, 1);
            int ye = cmykSample(x, y, 2);
            return switch (b) {
                case 0 -> clamp(0.299 * c + 0.587 * m + 0.114 * ye);
                case 1 -> clamp(-0.168736 * c - 0.331264 * m + 0.5 * ye + 128);
                case 2 -> clamp(0.5 * c - 0.418688 * m - 0.081312 * ye + 128);
                default -> 255 - cmykSample(x, y, 3);
            };
        });
        byte[] jpeg = TestImages.withSegmentAfterSoi(
                TestImages.jpegFromRaster(stored, 1.0f), 0xEE, TestImages.adobeApp14(2));
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
        assertCloseToCmyk(image, 6);
    }

    @Test
    void embeddedIccProfileIsIgnoredAsPilDoes() throws Exception {
        byte[] plain = TestImages.jpeg(TestImages.smoothImage(40, 30), 0.95f, false);
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] body = new byte[14 + profile.length];
        System.arraycopy("ICC_PROFILE".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 11);
        body[12] = 1; // chunk 1 of 1
        body[13] = 1;
        System.arraycopy(profile, 0, body, 14, profile.length);
        byte[] tagged = TestImages.withSegmentAfterSoi(plain, 0xE2, body);

        RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, tagged);

        assertThat(image.pixels()).isEqualTo(decoder.decode(FrameEncoding.JPEG, 0, 0, plain).pixels());
        // ImageIO's own read would colour-convert: the test would be empty if it did not
        BufferedImage managed = ImageIO.read(new ByteArrayInputStream(tagged));
        assertThat(managed.getRGB(20, 15) & 0xFFFFFF).isNotEqualTo(TestImages.rgbAt(image.pixels(), 40, 20, 15));
    }

    @Test
    void headerSizeWinsOverTheDeclaredSize() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.smoothImage(40, 30), 0.9f, false);
        RgbImage image = decoder.decode(FrameEncoding.JPEG, 640, 480, jpeg);
        assertThat(image.width()).isEqualTo(40);
        assertThat(image.height()).isEqualTo(30);
    }

    // ---- raw RGB24

    @Test
    void rgb24IsTakenAsIsAndCopied() throws Exception {
        byte[] payload = new byte[5 * 4 * 3];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 37);
        }
        byte[] expected = payload.clone();
        RgbImage image = decoder.decode(FrameEncoding.RGB24, 5, 4, payload);
        payload[0] ^= 0x55; // the caller reusing its buffer must not change the image
        assertThat(image.width()).isEqualTo(5);
        assertThat(image.height()).isEqualTo(4);
        assertThat(image.pixels()).isEqualTo(expected);
    }

    @Test
    void rgb24NeedsADeclaredSizeMatchingThePayload() {
        assertRejected(ReasonCode.SIZE_MISMATCH, FrameEncoding.RGB24, 5, 4, new byte[59]);
        assertRejected(ReasonCode.SIZE_MISMATCH, FrameEncoding.RGB24, 5, 4, new byte[61]);
        assertRejected(ReasonCode.SIZE_MISMATCH, FrameEncoding.RGB24, 0, 0, new byte[60]);
        assertRejected(ReasonCode.SIZE_MISMATCH, FrameEncoding.RGB24, -5, -4, new byte[60]);
    }

    // ---- rejections

    @Test
    void emptyPayloadsAreRejected() {
        for (FrameEncoding encoding : FrameEncoding.values()) {
            assertRejected(ReasonCode.EMPTY_PAYLOAD, encoding, 2, 2, null);
            assertRejected(ReasonCode.EMPTY_PAYLOAD, encoding, 2, 2, new byte[0]);
        }
    }

    @Test
    void missingEncodingIsUnsupported() {
        assertRejected(ReasonCode.UNSUPPORTED_ENCODING, null, 1, 1, new byte[] {1, 2, 3});
    }

    @Test
    void jpegProcessesImageIoCannotDecodeAreUnsupported() {
        byte[] jpeg = TestImages.jpeg(TestImages.smoothImage(16, 16), 0.9f, false);
        byte[] twelveBit = jpeg.clone();
        twelveBit[indexOfMarker(jpeg, 0xC0) + 4] = 12; // sample precision
        assertRejected(ReasonCode.UNSUPPORTED_ENCODING, FrameEncoding.JPEG, 0, 0, twelveBit);
        byte[] arithmetic = jpeg.clone();
        arithmetic[indexOfMarker(jpeg, 0xC0) + 1] = (byte) 0xC9; // SOF9: arithmetic-coded sequential
        assertRejected(ReasonCode.UNSUPPORTED_ENCODING, FrameEncoding.JPEG, 0, 0, arithmetic);
    }

    @Test
    void randomBytesAreCorrupt() {
        byte[] noise = new byte[5000];
        new Random(42).nextBytes(noise);
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.JPEG, 0, 0, noise);
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.PNG, 0, 0, noise);
    }

    @Test
    void payloadOfTheOtherFormatIsCorrupt() {
        BufferedImage source = TestImages.smoothImage(16, 16);
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.JPEG, 0, 0, TestImages.png(source));
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.PNG, 0, 0, TestImages.jpeg(source, 0.9f, false));
    }

    @Test
    void truncatedJpegIsRejectedNotPaddedWithGrey() {
        byte[] jpeg = TestImages.jpeg(TestImages.patternImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, jpeg.length / 2));
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, jpeg.length - 2));
        byte[] progressive = TestImages.jpeg(TestImages.patternImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), 0.9f, true);
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.JPEG, 0, 0,
                Arrays.copyOf(progressive, progressive.length * 2 / 3));
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, 2));
    }

    @Test
    void truncatedPngIsRejected() {
        byte[] png = TestImages.png(TestImages.patternImage(64, 64, BufferedImage.TYPE_3BYTE_BGR));
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.PNG, 0, 0, Arrays.copyOf(png, png.length * 3 / 5));
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.PNG, 0, 0, Arrays.copyOf(png, 20));
    }

    @Test
    void pngWithABadHeaderCrcIsRejected() {
        byte[] png = TestImages.png(TestImages.smoothImage(8, 8));
        png[29] ^= 1;
        assertRejected(ReasonCode.CORRUPT_IMAGE, FrameEncoding.PNG, 0, 0, png);
    }

    // ---- pixel limit

    @Test
    void pngBombIsRejectedFromItsHeaderAlone() {
        byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000, 8, 2);
        assertTimeout(Duration.ofSeconds(1),
                () -> assertRejected(ReasonCode.TOO_MANY_PIXELS, FrameEncoding.PNG, 0, 0, bomb));
    }

    @Test
    void realPngClaimingAHugeSizeIsRejectedBeforeDecoding() {
        // A valid image whose IHDR (CRC fixed up) claims 50000x50000: decoding it would try to
        // allocate 7.5 GB, so the only quick, clean answer is the header check
        byte[] png = TestImages.withPngSize(TestImages.png(TestImages.smoothImage(4, 4)), 50_000, 50_000);
        assertTimeout(Duration.ofSeconds(1),
                () -> assertRejected(ReasonCode.TOO_MANY_PIXELS, FrameEncoding.PNG, 0, 0, png));
    }

    @Test
    void jpegClaimingAHugeSizeIsRejectedBeforeDecoding() {
        byte[] jpeg = TestImages.jpeg(TestImages.smoothImage(16, 16), 0.9f, false);
        int sof = indexOfMarker(jpeg, 0xC0);
        jpeg[sof + 5] = (byte) 0xEA; // height 60000
        jpeg[sof + 6] = (byte) 0x60;
        jpeg[sof + 7] = (byte) 0xEA; // width 60000
        jpeg[sof + 8] = (byte) 0x60;
        assertTimeout(Duration.ofSeconds(1),
                () -> assertRejected(ReasonCode.TOO_MANY_PIXELS, FrameEncoding.JPEG, 0, 0, jpeg));
    }

    @Test
    void declaredSizeOverTheLimitIsRejected() {
        byte[] jpeg = TestImages.jpeg(TestImages.smoothImage(16, 16), 0.9f, false);
        assertRejected(ReasonCode.TOO_MANY_PIXELS, FrameEncoding.JPEG, 4000, 1001, jpeg);
        assertRejected(ReasonCode.TOO_MANY_PIXELS, FrameEncoding.RGB24, 3000, 3000, new byte[27_000_000]);
    }

    @Test
    void limitIsInclusive() throws Exception {
        byte[] png = TestImages.png(TestImages.smoothImage(10, 10));
        assertThat(new ImageDecoder(100).decode(FrameEncoding.PNG, 0, 0, png).width()).isEqualTo(10);
        FrameRejectedException e = catchThrowableOfType(FrameRejectedException.class,
                () -> new ImageDecoder(99).decode(FrameEncoding.PNG, 0, 0, png));
        assertThat(e.reason()).isEqualTo(ReasonCode.TOO_MANY_PIXELS);
    }

    // ---- robustness

    @Test
    void mangledPayloadsNeverThrowAnythingButFrameRejected() {
        Random random = new Random(7);
        byte[] jpeg = TestImages.jpeg(TestImages.patternImage(24, 24, BufferedImage.TYPE_3BYTE_BGR), 0.8f, false);
        byte[] png = TestImages.png(TestImages.patternImage(24, 24, BufferedImage.TYPE_3BYTE_BGR));
        for (int i = 0; i < 150; i++) {
            boolean useJpeg = i % 2 == 0;
            byte[] bytes = (useJpeg ? jpeg : png).clone();
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length) + 1);
            }
            byte[] payload = bytes;
            FrameEncoding encoding = useJpeg ? FrameEncoding.JPEG : FrameEncoding.PNG;
            assertThatCode(() -> {
                try {
                    decoder.decode(encoding, 0, 0, payload);
                } catch (FrameRejectedException expected) {
                    // the only acceptable failure
                }
            }).as("mutation %d", i).doesNotThrowAnyException();
        }
    }

    @Test
    void oneDecoderServesSeveralThreads() throws Exception {
        List<byte[]> payloads = List.of(
                TestImages.jpeg(TestImages.patternImage(40, 30, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false),
                TestImages.jpeg(TestImages.smoothImage(33, 21), 0.9f, true),
                TestImages.png(TestImages.patternImage(25, 35, BufferedImage.TYPE_4BYTE_ABGR)));
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            expected.add(decoder.decode(i < 2 ? FrameEncoding.JPEG : FrameEncoding.PNG, 0, 0, payloads.get(i)).pixels());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int n = 0; n < 30; n++) {
                        int i = n % payloads.size();
                        byte[] pixels = decoder.decode(i < 2 ? FrameEncoding.JPEG : FrameEncoding.PNG, 0, 0,
                                payloads.get(i)).pixels();
                        if (!Arrays.equals(pixels, expected.get(i))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers

    /** C, M, Y, K test values (not inverted): smooth ramps, away from the clipping ends. */
    private static int cmykSample(int x, int y, int band) {
        return switch (band) {
            case 0 -> 20 + 5 * x;
            case 1 -> 200 - 6 * y;
            case 2 -> 60 + 2 * x + 2 * y;
            default -> 10 + 3 * y;
        };
    }

    /** Each channel must be near {@code 255 * (1-C) * (1-K)}, computed here in floating point. */
    private static void assertCloseToCmyk(RgbImage image, int tolerance) {
        assertThat(image.width()).isEqualTo(32);
        assertThat(image.height()).isEqualTo(24);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                int rgb = TestImages.rgbAt(image.pixels(), 32, x, y);
                double notK = 1 - cmykSample(x, y, 3) / 255.0;
                for (int c = 0; c < 3; c++) {
                    double expected = 255 * (1 - cmykSample(x, y, c) / 255.0) * notK;
                    int actual = (rgb >> (16 - 8 * c)) & 0xFF;
                    assertThat((double) actual).as("channel %d at (%d,%d)", c, x, y)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset((double) tolerance));
                }
            }
        }
    }

    private void assertRejected(ReasonCode reason, FrameEncoding encoding, int width, int height, byte[] payload) {
        FrameRejectedException e = catchThrowableOfType(FrameRejectedException.class,
                () -> decoder.decode(encoding, width, height, payload));
        assertThat(e).as("%s payload of %s bytes", encoding, payload == null ? null : payload.length).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    }

    private static void assertPixels(RgbImage image, int width, int height, PixelFunction expected) {
        assertThat(image.width()).isEqualTo(width);
        assertThat(image.height()).isEqualTo(height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int actual = TestImages.rgbAt(image.pixels(), width, x, y);
                int want = expected.rgb(x, y) & 0xFFFFFF;
                if (actual != want) {
                    throw new AssertionError(String.format("pixel (%d,%d): expected %06x, got %06x", x, y, want, actual));
                }
            }
        }
    }

    private static double meanAbsDiff(RgbImage image, BufferedImage source) {
        long sum = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int a = TestImages.rgbAt(image.pixels(), image.width(), x, y);
                int b = source.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
                }
            }
        }
        return sum / (3.0 * image.width() * image.height());
    }

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }

    private static int grey(int v) {
        return (v << 16) | (v << 8) | v;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    @FunctionalInterface
    private interface PixelFunction {
        int rgb(int x, int y);
    }
}
