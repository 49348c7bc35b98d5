package io.flinkvision.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Files from the shared folder ({@link SharedData}) for tests. When one is missing the test is skipped
 * with the reason, unless {@link SharedData#required()} (set by CI), where it fails: a test that needs
 * trained weights or real photos must run there, not quietly skip.
 */
public final class SharedFixtures {
    private SharedFixtures() {}

    /** The path, which exists; otherwise skips or fails the calling test as described above. */
    public static Path require(Path path) {
        if (Files.exists(path)) {
            return path;
        }
        String reason = "needs " + path + ": the trained models, reference outputs and photos live in the shared"
                + " folder beside the checkout (set -D" + SharedData.PROPERTY + "=DIR or $" + SharedData.ENV + ")";
        if (SharedData.required()) {
            fail(reason + "; failing rather than skipping because $" + SharedData.REQUIRE_ENV + " or -D"
                    + SharedData.REQUIRE_PROPERTY + " is set");
        }
        Assumptions.abort("skipped: " + reason);
        throw new AssertionError("unreachable");
    }

    /** A file under the shared models folder, e.g. {@code reference/...} or a model file name. */
    public static Path model(String relative) {
        return require(SharedData.models().resolve(relative));
    }

    public static Path defaultModel() {
        return require(SharedData.defaultModel());
    }

    public static Path labels() {
        return require(SharedData.labels());
    }

    public static Path images() {
        return require(SharedData.images());
    }

    public static Path detectorStandIn() {
        return require(SharedData.detectorStandIn());
    }

    public static Path cocoLabels() {
        return require(SharedData.cocoLabels());
    }

    public static Path expectedDetections() {
        return require(SharedData.expectedDetections());
    }

    public static Path sampleVideo() {
        return require(SharedData.sampleVideo());
    }
}
