package io.flinkvision.modelgen.efficientnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model used when no trained model is configured or found (no {@code ../shared}): a generated
 * EfficientNet-B0 with seeded, calibrated random weights. It runs the whole pipeline, but its labels
 * mean nothing, which callers must say loudly. Generated once (about a second) and reused.
 */
public final class OfflineFallbackModel {
    public static final String FILE_NAME = "efficientnet_b0_generated_seed0.onnx";
    private static final long SEED = 0;

    private OfflineFallbackModel() {}

    /** Where the fallback lives: {@code $java.io.tmpdir/flink-vision/} unless a directory is given. */
    public static Path defaultLocation() {
        return Path.of(System.getProperty("java.io.tmpdir"), "flink-vision", FILE_NAME);
    }

    /** Generates the model at {@code target} unless it is already there; returns its path. */
    public static synchronized Path ensure(Path target) {
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            // Write beside, then move: a concurrent reader never sees half a model.
            Path partial = Files.createTempFile(target.getParent(), FILE_NAME, ".partial");
            EfficientNetOnnxGenerator.write(EfficientNetVariant.B0, new SeededWeights(SEED), partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the generated fallback model to " + target, e);
        }
    }

    public static boolean isFallback(Path model) {
        return model.getFileName().toString().equals(FILE_NAME);
    }
}
