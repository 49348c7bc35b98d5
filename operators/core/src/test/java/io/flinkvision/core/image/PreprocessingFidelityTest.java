package io.flinkvision.core.image;

import io.flinkvision.testkit.SharedFixtures;
import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.testkit.SharedData;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.schemas.FrameEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Decode + preprocess of the 14 shared photos reproduces the reference input tensor made with PIL and torchvision. */
class PreprocessingFidelityTest {
    private static final Path REFERENCE =
            SharedData.models().resolve("reference/efficientnet_b0_seed0_bncal/photos_b14.input.f32");

    /**
     * Row order of the reference batch: the manifest's {@code photos_order}, which is the sorted
     * file names of images/*.jpg|png (PROVENANCE.md, section 6).
     */
    private static final List<String> PHOTOS = List.of(
            "aloe_flowerpot.jpg", "butterfly_swallowtail.jpg", "cat_chelsea.png", "citrus_fruits.jpg",
            "coffee_espresso_cup.png", "dog_pekinese_like.png", "grace_hopper_uniform.jpg", "mandrill_baboon.jpg",
            "motorcycle.png", "orange.jpg", "red_apple.jpg", "rocket_launchpad.jpg", "soccer_player_ball.jpg",
            "squirrel.jpg");

    /** The reference's values are (pixel/255 - mean)/std: one 8-bit step is at most 1/(255*0.224) = 0.0175. */
    private static final double MAX_MEAN_ABS_DIFF = 0.02;
    private static final double MAX_ABS_DIFF = 0.06;

    @Test
    void everyPhotoMatchesTheReferenceTensor() throws Exception {
        SharedFixtures.require(REFERENCE);
        PreprocessSpec spec = PreprocessSpec.imagenet(224, 256);
        int n = spec.sampleLength();
        FloatBuffer reference = readFloats(REFERENCE);
        assertThat(reference.remaining()).isEqualTo(PHOTOS.size() * n);
        assertThat(manifestPhotoOrder()).isEqualTo(PHOTOS);

        ImageDecoder decoder = new ImageDecoder(10_000_000);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec);
        float[] sample = new float[n];
        double worstMean = 0;
        double worstMax = 0;
        for (int row = 0; row < PHOTOS.size(); row++) {
            String name = PHOTOS.get(row);
            byte[] bytes = Files.readAllBytes(SharedFixtures.require(SharedData.images().resolve(name)));
            FrameEncoding encoding = name.endsWith(".png") ? FrameEncoding.PNG : FrameEncoding.JPEG;
            preprocessor.preprocessInto(decoder.decode(encoding, 0, 0, bytes), sample, 0);

            double sum = 0;
            double max = 0;
            for (int i = 0; i < n; i++) {
                double d = Math.abs(sample[i] - reference.get(row * n + i));
                sum += d;
                max = Math.max(max, d);
            }
            double mean = sum / n;
            System.out.printf("fidelity %-26s mean|diff| %.6f  max|diff| %.6f%n", name, mean, max);
            assertThat(mean).as("%s mean |diff|", name).isLessThan(MAX_MEAN_ABS_DIFF);
            assertThat(max).as("%s max |diff|", name).isLessThan(MAX_ABS_DIFF);
            worstMean = Math.max(worstMean, mean);
            worstMax = Math.max(worstMax, max);
        }
        System.out.printf("fidelity worst photo: mean|diff| %.6f, max|diff| %.6f%n", worstMean, worstMax);
    }

    /** The manifest's {@code photos_order} array, pulled out with a pattern (no JSON library needed). */
    private static List<String> manifestPhotoOrder() throws IOException {
        String manifest = Files.readString(REFERENCE.resolveSibling("manifest.json"));
        Matcher array = Pattern.compile("\"photos_order\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(manifest);
        assertThat(array.find()).as("photos_order in manifest.json").isTrue();
        List<String> names = new ArrayList<>();
        Matcher name = Pattern.compile("\"([^\"]+)\"").matcher(array.group(1));
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    private static FloatBuffer readFloats(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }
}
