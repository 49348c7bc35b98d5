package io.flinkvision.tests.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.flinkvision.testkit.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * {@link ImageDecodingFuzzTest}'s target under Jazzer, coverage-guided (libFuzzer over the bytecode
 * coverage of the classes Jazzer instruments). Skipped unless {@code JAZZER_FUZZ} is set: Jazzer's agent
 * costs a plain build ~15 s and stays in the test JVM, and ImageDecodingFuzzTest already runs the same
 * target on every build. On demand:
 * {@code JAZZER_FUZZ=1 JAZZER_INSTRUMENTATION_INCLUDES='io.flinkvision.**' mvn ... -Dtest=ImageDecodingCoverageFuzzTest}
 * fuzzes it for {@code maxDuration}, starting from the shrunk shared photos, which are written into
 * Jazzer's generated corpus ({@code tests/integration/.cifuzz-corpus}, not in git) when it is empty.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+",
        disabledReason = "coverage-guided fuzzing on demand: set JAZZER_FUZZ=1 (ImageDecodingFuzzTest runs in every build)")
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
