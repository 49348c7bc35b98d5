package io.flinkvision.tests.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.DecodeBudget;
import io.flinkvision.core.image.DecodeDeadline;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.schemas.FrameEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the pipeline's decode step, {@link ImageDecoder} under a {@link DecodeBudget} with the
 * resize gate and a {@link DecodeDeadline}, then {@link ImagePreprocessor} (EfficientNet-B0's 224 from
 * 256), with mutations of real photos. Every input must end as a preprocessed tensor or a
 * {@link FrameRejectedException} with a reason; none may take longer than the deadline allows or
 * allocate more than the budget allows. An input is one byte choosing the encoding, the declared width
 * and height (two bytes each), then the payload.
 */
class ImageDecodingFuzzTest {
    /** A budget small enough that allocation beyond it shows: 1 MP. */
    private static final long MAX_PIXELS = 1L << 20;
    private static final long DECODE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The deadline is checked every few rows: allow it, the preprocess after it and a GC pause. */
    private static final long MAX_NANOS_PER_INPUT = DECODE_TIMEOUT_NANOS + TimeUnit.SECONDS.toNanos(3);
    /**
     * Bytes a decode may allocate per pixel of the budget: ImageIO's raster (3-4 bytes per pixel, 8 for
     * 16-bit samples), the RGB copy (3), a CMYK or palette conversion (4) and the resize's row buffers,
     * with room to spare. A decode that allocated more would have sized something from the input.
     */
    private static final long BYTES_PER_BUDGET_PIXEL = 48;
    /** Readers, coefficient tables, the 224x224x3 float tensor: independent of the image. */
    private static final long FIXED_BYTES = 16L << 20;

    @Test
    void everyInputEndsDecodedOrRejectedWithinTheDeadlineAndTheBudget() {
        List<byte[]> seeds = seeds();

        MutationalFuzzer fuzzer = new MutationalFuzzer(seeds, MutationalFuzzer.seed(), 256 * 1024);
        MutationalFuzzer.Report report = fuzzer.run(ImageDecodingFuzzTest::decodeOnce, MutationalFuzzer.duration(10),
                MAX_NANOS_PER_INPUT, length -> BYTES_PER_BUDGET_PIXEL * MAX_PIXELS + FIXED_BYTES + 16L * length, "image-decoding");

        System.out.println("ImageDecodingFuzzTest: " + report);
        assertThat(report.findings()).as(report.toString()).isEmpty();
        // The fuzzer did get somewhere: the seeds decode, and mutations reach rejections.
        assertThat(report.outcomes()).containsKey("DECODED").containsKey("CORRUPT_IMAGE");
        assertThat(report.inputs()).isGreaterThan(seeds.size());
    }

    /** The shrunk shared photos as inputs (declared size 0: the header's counts), and one RGB24 frame. */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (FuzzSeeds.Image image : FuzzSeeds.images(96, 14)) {
            seeds.add(input(image.jpeg() ? FrameEncoding.JPEG : FrameEncoding.PNG, 0, 0, image.bytes()));
        }
        byte[] rgb = new byte[8 * 6 * 3];
        Arrays.fill(rgb, (byte) 0x7F);
        seeds.add(input(FrameEncoding.RGB24, 8, 6, rgb));
        return seeds;
    }

    private static final DecodeBudget BUDGET = new DecodeBudget(MAX_PIXELS, DecodeBudget.DEFAULT_MAX_ASPECT_RATIO,
            DecodeBudget.DEFAULT_MAX_RESIZED_SIDE);
    private static final ImagePreprocessor PREPROCESSOR = new ImagePreprocessor(PreprocessSpec.imagenet(224, 256));
    private static final ImageDecoder DECODER = new ImageDecoder(BUDGET,
            (w, h) -> PREPROCESSOR.checkResizeBudget(w, h, BUDGET.maxResizedSide()));
    private static final FrameEncoding[] ENCODINGS = FrameEncoding.values();

    /**
     * The target: one input through decode and preprocess, as the pipeline runs them.
     *
     * @return "DECODED" or the rejection's reason code
     * @throws AssertionError when an input ends in neither
     */
    static String decodeOnce(byte[] input) {
        if (input.length < 5) {
            return "SHORT INPUT"; // nothing to decode: not a frame this test can build
        }
        FrameEncoding encoding = ENCODINGS[(input[0] & 0xFF) % ENCODINGS.length];
        int width = ((input[1] & 0xFF) << 8) | (input[2] & 0xFF);
        int height = ((input[3] & 0xFF) << 8) | (input[4] & 0xFF);
        byte[] payload = Arrays.copyOfRange(input, 5, input.length);
        try (DecodeDeadline deadline = DecodeDeadline.start(DECODE_TIMEOUT_NANOS)) {
            RgbImage image = DECODER.decode(encoding, width, height, payload);
            float[] tensor = PREPROCESSOR.preprocess(image);
            if (tensor.length != 3 * 224 * 224) {
                throw new AssertionError("preprocess wrote " + tensor.length + " values");
            }
            return "DECODED";
        } catch (FrameRejectedException e) {
            if (e.reason() == null || e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a rejection without a reason or message", e);
            }
            return e.reason().name();
        }
    }

    private static byte[] input(FrameEncoding encoding, int width, int height, byte[] payload) {
        byte[] input = new byte[5 + payload.length];
        input[0] = (byte) encoding.ordinal();
        input[1] = (byte) (width >> 8);
        input[2] = (byte) width;
        input[3] = (byte) (height >> 8);
        input[4] = (byte) height;
        System.arraycopy(payload, 0, input, 5, payload.length);
        return input;
    }
}
