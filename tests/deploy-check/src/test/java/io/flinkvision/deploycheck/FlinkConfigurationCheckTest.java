package io.flinkvision.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checks of DeploymentManifestsTest bite: each is shown a manifest with one mistake in it. */
class FlinkConfigurationCheckTest {
    private static FlinkKeys keys;
    private static JsonNode cpu;

    @BeforeAll
    static void load() throws IOException {
        keys = FlinkKeys.scan();
        cpu = Manifests.ofKind("FlinkDeployment").stream().filter(d -> d.name().equals("flink-vision-cpu"))
                .findFirst().orElseThrow().tree();
    }

    private static java.util.List<String> problems(Map<String, String> config) {
        return new FlinkConfigurationCheck(keys).problems(Configuration.fromMap(config));
    }

    private static Map<String, String> cpuConfigWith(String key, String value) {
        Map<String, String> config = new TreeMap<>(Manifests.flinkConfiguration(cpu));
        config.put(key, value);
        return config;
    }

    @Test
    void theScanFindsFlinksOptionsClasses() {
        assertThat(keys.optionsClasses()).isGreaterThan(40);
        assertThat(keys.size()).isGreaterThan(500);
        assertThat(keys.find("taskmanager.numberOfTaskSlots", Map.of(), Map.of())).isPresent();
        assertThat(keys.find("taskmanager.numberOfTaskSlot", Map.of(), Map.of())).isEmpty();
    }

    @Test
    void theMisspeltKeyFixtureFails() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/fixtures/misspelt-key.yaml").toURI());
        JsonNode deployment = Manifests.read(fixture).get(0).tree();

        assertThat(problems(Manifests.flinkConfiguration(deployment))).containsExactly(
                "unknown Flink key 'execution.checkpointing.intervall' (did you mean 'execution.checkpointing.interval'?)");
    }

    @Test
    void aValueThatDoesNotParseFails() {
        assertThat(problems(cpuConfigWith("execution.checkpointing.interval", "ten seconds")))
                .singleElement().asString().startsWith("bad value for 'execution.checkpointing.interval': 'ten seconds'");
        assertThat(problems(cpuConfigWith("state.backend.type", "hashmap"))).isEmpty();
    }

    @Test
    void aDeprecatedKeyFails() {
        assertThat(problems(cpuConfigWith("state.checkpoints.dir", "s3://b/c"))).singleElement().asString()
                .isEqualTo("deprecated Flink key 'state.checkpoints.dir': use 'execution.checkpointing.dir'");
    }

    @Test
    void reporterAndExternalResourceKeysAreCheckedAgainstTheirOwnOptions() {
        assertThat(problems(cpuConfigWith("metrics.reporter.prom.prot", "9249"))).singleElement().asString()
                .startsWith("unknown Flink key 'metrics.reporter.prom.prot'");
        assertThat(problems(cpuConfigWith("metrics.reporter.prom.interval", "often"))).singleElement().asString()
                .startsWith("bad value for 'metrics.reporter.prom.interval'");
        assertThat(problems(cpuConfigWith("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.Prometheus")))
                .anySatisfy(p -> assertThat(p).contains("is not in Flink's jars"));

        Map<String, String> gpu = new TreeMap<>(Map.of(
                "external-resources", "gpu",
                "external-resource.gpu.amount", "1",
                "external-resource.gpu.driver-factory.class", FlinkKeys.GPU_DRIVER_FACTORY,
                "external-resource.gpu.param.discovery-script.path", "plugins/external-resource-gpu/nvidia-gpu-discovery.sh"));
        assertThat(problems(gpu)).isEmpty();
        gpu.put("external-resource.gpu.param.discovery-script.pth", "x");
        gpu.put("external-resource.gpu.amount", "one");
        gpu.put("external-resource.fpga.amount", "1");
        assertThat(problems(gpu)).hasSize(3);
    }

    @Test
    void anUnknownFieldOfTheDeploymentFails() throws IOException {
        OperatorClasses operator = new OperatorClasses();
        ObjectNode misspeltSpec = cpu.deepCopy();
        ((ObjectNode) misspeltSpec.get("spec").get("job")).put("upgradMode", "savepoint");
        assertThatThrownBy(() -> operator.read(misspeltSpec, "v1_20")).hasMessageContaining("upgradMode");

        ObjectNode misspeltPod = cpu.deepCopy();
        ((ObjectNode) misspeltPod.get("spec").get("taskManager").get("podTemplate").get("spec"))
                .put("nodeSelecter", "gpu");
        assertThat(OperatorClasses.unknownFields(operator.read(misspeltPod, "v1_20")))
                .containsExactly("spec.taskManager.podTemplate.spec.nodeSelecter");

        assertThat(OperatorClasses.unknownFields(operator.read(cpu, "v1_20"))).isEmpty();
    }

    @Test
    void aMisspeltJobFlagFails() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--transactional-prefix", "x"},
                ClassificationJobOptions.class)).hasMessageContaining("unknown setting '--transactional-prefix'");
    }
}
