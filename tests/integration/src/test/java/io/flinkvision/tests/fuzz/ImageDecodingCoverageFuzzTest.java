package io.flinkvision.tests.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.flinkvision.testkit.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link ImageDecodingFuzzTest}'s target under Jazzer, coverage-guided (libFuzzer over the bytecode
 * coverage of the classes Jazzer instruments). Every build fuzzes it for {@code maxDuration}, in a
 * surefire execution of its own ({@code coverage-guided-fuzzing} in this module's pom sets
 * {@code JAZZER_FUZZ} and the instrumentation): Jazzer's agent stays in the JVM it instruments, so it
 * must not share one with the other tests. It starts from the shrunk shared photos, written into
 * Jazzer's generated corpus ({@code tests/integration/.cifuzz-corpus}, not in git) when it is empty;
 * without {@code JAZZER_FUZZ} (e.g. from an IDE) Jazzer only replays that corpus.
 */
class ImageDecodingCoverageFuzzTest {
    static {
        if (System.getenv("JAZZER_FUZZ") != null && SharedData.isPresent()) {
            seedCorpus(Path.of(".cifuzz-corpus", ImageDecodingCoverageFuzzTest.class.getName(),
                    "decodesOrRejectsWithAReason"));
        }
    }

    @FuzzTest(maxDuration = "30s")
    void decodesOrRejectsWithAReason(byte[] input) {
        ImageDecodingFuzzTest.decodeOnce(input);
    }

    private static void seedCorpus(Path corpus) {
        try {
            Files.createDirectories(corpus);
            try (var existing = Files.list(corpus)) {
                if (existing.findAny().isPresent()) {
                    return;
                }
            }
            List<byte[]> seeds = ImageDecodingFuzzTest.seeds();
            for (int i = 0; i < seeds.size(); i++) {
                Files.write(corpus.resolve("photo-" + i), seeds.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seed " + corpus, e);
        }
    }
}
