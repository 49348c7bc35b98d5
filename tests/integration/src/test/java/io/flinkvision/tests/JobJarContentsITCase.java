package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar, as `flink run` takes it, holds what the job runs and nothing of the development-only
 * modules: by module boundaries (the job module does not depend on them), checked here on the artifact.
 * An ITCase because the jar exists only after the job module's package phase.
 */
class JobJarContentsITCase {

    @Test
    void theJobJarCarriesTheJobAndNoneOfTheDevelopmentOnlyModules() throws Exception {
        Path jar = Path.of(System.getProperty("flinkvision.jobJar", "../../jobs/job/target/missing.jar"));
        assertThat(jar).as("the shaded job jar (mvn package builds it)").isRegularFile();

        List<String> entries;
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(ZipEntry::getName).toList();
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.flinkvision.job.ClassificationJob");
        }
        assertThat(entries).contains("io/flinkvision/job/ClassificationJob.class",
                "io/flinkvision/flink/BatchingInferenceFunction.class",
                "io/flinkvision/core/pipeline/InferencePipeline.class", "io/flinkvision/schemas/Frame.class",
                "org/apache/flink/connector/kafka/sink/KafkaSink.class", "ai/onnxruntime/OrtSession.class");
        assertThat(entries).filteredOn(e -> e.startsWith("ai/onnxruntime/native/"))
                .allMatch(e -> e.equals("ai/onnxruntime/native/") || e.startsWith("ai/onnxruntime/native/linux-x64"));
        for (String forbidden : List.of("io/flinkvision/modelgen/", "io/flinkvision/planner/", "io/flinkvision/measure/",
                "io/flinkvision/publisher/", "io/flinkvision/demo/", "io/flinkvision/testkit/",
                "io/flinkvision/benchmark/", "com/google/protobuf/", "org/bytedeco/", "org/jfree/",
                "picocli/", "org/apache/kafka/common/test/", "kafka/server/", "org/junit/")) {
            assertThat(entries).as("no %s in the job jar", forbidden).noneMatch(e -> e.startsWith(forbidden));
        }
        // Flink itself is provided by the cluster: only the connectors' classes come in the jar.
        assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/environment/"));
        assertThat(Files.size(jar)).as("job jar size").isLessThan(40L * 1024 * 1024);
    }
}
