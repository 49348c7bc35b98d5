package io.flinkvision.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/flink: the config.yaml fragments through Flink's own loader, the job's properties through the job's. */
class FlinkConfigurationFilesTest {
    private static FlinkKeys keys;

    @TempDir
    Path confDir;

    @BeforeAll
    static void scan() throws IOException {
        keys = FlinkKeys.scan();
    }

    /** As a Flink process reads it: conf/config.yaml through GlobalConfiguration (nested keys flattened). */
    private Configuration load(String file) throws IOException {
        Files.copy(Manifests.deployDirectory().resolve("flink").resolve(file), confDir.resolve("config.yaml"));
        return GlobalConfiguration.loadConfiguration(confDir.toString());
    }

    @Test
    void theClusterConfigurationLoadsAndEveryKeyIsKnown() throws IOException {
        Configuration config = load("config.yaml");
        assertThat(config.toMap()).containsKeys("execution.checkpointing.interval", "env.java.opts.all",
                "metrics.reporter.prom.factory.class", "taskmanager.memory.task.off-heap.size");
        assertThat(new FlinkConfigurationCheck(keys).problems(config)).isEmpty();
    }

    @Test
    void theGpuTaskManagerFragmentLoadsAndEveryKeyIsKnown() throws IOException {
        Configuration config = load("config-gpu.yaml");
        assertThat(config.toMap()).containsKeys("external-resources", "external-resource.gpu.amount",
                "external-resource.gpu.param.discovery-script.path");
        assertThat(new FlinkConfigurationCheck(keys).problems(config)).isEmpty();
    }

    @Test
    void theJobPropertiesAreTheJobsOwnSettings() {
        Path file = Manifests.deployDirectory().resolve("flink/job.properties");
        Configuration job = JobArguments.parse(new String[] {"--config", file.toString()}, ClassificationJobOptions.class)
                .configuration();
        assertThat(job.getOptional(ClassificationJobOptions.MODEL)).isPresent();
        // The deployment's name gives its transactional-id prefix and consumer group.
        assertThat(io.flinkvision.job.config.DeliverySettings.transactionalIdPrefix(job)).isEqualTo("flink-vision-prod");
        assertThat(io.flinkvision.job.config.DeliverySettings.groupId(job)).isEqualTo("flink-vision-prod");
    }
}
