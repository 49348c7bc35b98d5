package io.flinkvision.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkClusterConfigTest {
    @TempDir
    Path dir;

    @Test
    void everyAddressIsLoopbackAndTheDirectoriesAreUnderTheWorkDirectory() {
        Map<String, String> config = FlinkClusterConfig.standalone(dir, 2, "768m", "1g", false, Map.of());

        assertThat(config).containsEntry("jobmanager.rpc.address", "127.0.0.1").containsEntry("rest.bind-address", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1").containsEntry("taskmanager.numberOfTaskSlots", "2")
                .containsEntry("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString())
                .doesNotContainKey("metrics.reporter.prom.factory.class");
        assertThat(config.get("rest.port")).isNotEqualTo(config.get("jobmanager.rpc.port"));
    }

    @Test
    void prometheusAndOverridesAreAddedLast() {
        Map<String, String> config = FlinkClusterConfig.standalone(dir, 1, "768m", "1g", true,
                Map.of("taskmanager.memory.managed.size", "128m"));

        assertThat(config).containsEntry("metrics.reporter.prom.factory.class", FlinkClusterConfig.PROMETHEUS_FACTORY)
                .containsEntry("taskmanager.memory.managed.size", "128m");
    }

    @Test
    void valuesAreWrittenAsQuotedYamlStrings() throws Exception {
        FlinkClusterConfig.write(dir, Map.of("env.java.opts.all", "-Da=\"b\" -Dc=d\\e"));

        assertThat(Files.readString(dir.resolve("config.yaml"), StandardCharsets.UTF_8))
                .contains("env.java.opts.all: \"-Da=\\\"b\\\" -Dc=d\\\\e\"\n");
        assertThat(dir.resolve("log4j2.properties")).content().contains("rootLogger.level = info");
    }
}
