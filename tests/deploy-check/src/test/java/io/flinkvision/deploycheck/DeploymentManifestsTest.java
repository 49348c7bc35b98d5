package io.flinkvision.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flinkvision.deploycheck.Manifests.Document;
import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FlinkDeployments in deploy/kubernetes, checked against Flink's and the operator's own classes:
 * their Flink configuration (keys and values), their shape (the operator's FlinkDeployment classes,
 * unknown fields rejected), the job's own settings in their args (the job's parser, and a job graph
 * built from them), and what the issue asks of a cluster deployment that no schema can say: durable
 * state, HA, Prometheus, GPUs, models where they are loaded, one consumer group and transactional id
 * per deployment, Kafka topics that hold what the job writes.
 */
class DeploymentManifestsTest {
    private static final String MAIN_CONTAINER = "flink-main-container";
    private static final Set<String> DURABLE_SCHEMES = Set.of("s3", "s3a", "s3p", "gs", "hdfs", "abfss", "oss");

    private static FlinkKeys keys;
    private static List<Document> deployments;

    @BeforeAll
    static void load() throws IOException {
        keys = FlinkKeys.scan();
        deployments = Manifests.ofKind("FlinkDeployment");
        assertThat(deployments).extracting(Document::name).contains("flink-vision-cpu", "flink-vision-gpu");
    }

    @Test
    void everyKeyOfEveryDeploymentsFlinkConfigurationIsOneFlinkKnowsWithAValueThatParses() {
        for (Document deployment : deployments) {
            Map<String, String> config = Manifests.flinkConfiguration(deployment.tree());
            assertThat(config).as("%s flinkConfiguration", deployment).hasSizeGreaterThan(10);
            assertThat(new FlinkConfigurationCheck(keys).problems(Configuration.fromMap(config)))
                    .as("problems of %s", deployment).isEmpty();
        }
    }

    @Test
    void theDeploymentsAreFlinkDeploymentsToTheOperatorsOwnClassesWithNoUnknownField() throws IOException {
        OperatorClasses operator = new OperatorClasses();
        for (Document deployment : deployments) {
            FlinkDeployment read = operator.read(deployment.tree(), "v1_20");
            assertThat(OperatorClasses.unknownFields(read)).as("unknown fields of %s", deployment).isEmpty();
            FlinkDeploymentSpec spec = read.getSpec();
            assertThat(spec.getImage()).as("%s image", deployment).isNotBlank();
            assertThat(spec.getServiceAccount()).as("%s serviceAccount", deployment).isNotBlank();
            assertThat(spec.getJobManager().getResource().getMemory()).isNotBlank();
            assertThat(spec.getTaskManager().getResource().getMemory()).isNotBlank();
            assertThat(spec.getTaskManager().getResource().getCpu()).isPositive();
            assertThat(spec.getJob().getUpgradeMode()).as("%s upgradeMode", deployment).isEqualTo(UpgradeMode.SAVEPOINT);
            assertThat(spec.getJob().getParallelism()).isPositive();
            // The jar the image puts in usrlib (deploy/Dockerfile*), and the job's real entry point.
            assertThat(spec.getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/flink-vision-job.jar");
            assertThat(spec.getJob().getEntryClass()).isEqualTo(ClassificationJob.class.getName());
        }
    }

    /**
     * The operator API that resolves from Maven Central here is 1.10.0, whose FlinkVersion enum stops
     * at v1_20; v2_3 exists from operator 1.15 on (its FlinkVersion has v2_0 .. v2_4). So this checks
     * the field itself: it must name the Flink the job is built for.
     */
    @Test
    void flinkVersionIsTheFlinkTheJobIsBuiltFor() {
        String[] version = System.getProperty("flinkvision.flink.version", "").split("\\.");
        assertThat(version).as("-Dflinkvision.flink.version from the pom").hasSizeGreaterThanOrEqualTo(2);
        for (Document deployment : deployments) {
            assertThat(deployment.tree().path("spec").path("flinkVersion").asText()).as("%s flinkVersion", deployment)
                    .isEqualTo("v" + version[0] + "_" + version[1]);
        }
    }

    @Test
    void theJobArgsAreTheJobsOwnSettingsAndBuildTheJobGraph() {
        for (Document deployment : deployments) {
            // No Kafka here: the preflight (that Kafka takes what the job writes) is the cluster's to run.
            List<String> args = new ArrayList<>(List.of(Manifests.jobArgs(deployment.tree())));
            args.addAll(List.of("--preflight", "false"));
            JobArguments arguments = JobArguments.parse(args.toArray(String[]::new), ClassificationJobOptions.class);
            Configuration cluster = new Configuration();
            cluster.set(CoreOptions.DEFAULT_PARALLELISM, deployment.tree().path("spec").path("job").path("parallelism").asInt());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
            // As on the JobManager in application mode: the model is not there, the graph builds anyway.
            ClassificationJob.onKafka(arguments).build(env);
            StreamGraph graph = env.getStreamGraph();
            assertThat(graph.getStreamNodes()).as("%s job graph", deployment).hasSizeGreaterThan(5);
        }
    }

    @Test
    void checkpointsSavepointsAndHaLiveOnDurableStorageOfTheirOwn() {
        Set<String> directories = new HashSet<>();
        for (Document deployment : deployments) {
            Configuration config = Configuration.fromMap(Manifests.flinkConfiguration(deployment.tree()));
            for (String dir : List.of(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY),
                    config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY),
                    config.get(HighAvailabilityOptions.HA_STORAGE_PATH))) {
                assertThat(dir).as("%s state directory", deployment).isNotNull();
                assertThat(DURABLE_SCHEMES).as("%s: %s is not durable storage", deployment, dir)
                        .contains(URI.create(dir).getScheme());
                assertThat(directories.add(dir)).as("%s shares %s with another deployment", deployment, dir).isTrue();
            }
            assertThat(config.get(HighAvailabilityOptions.HA_MODE)).as("%s HA", deployment).isEqualToIgnoringCase("kubernetes");
            assertThat(config.toMap()).as("%s Prometheus reporter", deployment).containsValue(
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        }
    }

    @Test
    void eachDeploymentHasItsOwnConsumerGroupAndTransactionalIdPrefix() {
        Set<String> groups = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (Document deployment : deployments) {
            Configuration job = JobArguments.parse(Manifests.jobArgs(deployment.tree()), ClassificationJobOptions.class)
                    .configuration();
            assertThat(job.getOptional(ClassificationJobOptions.GROUP_ID)).as("%s --group-id", deployment).isPresent();
            assertThat(job.getOptional(ClassificationJobOptions.TRANSACTIONAL_ID_PREFIX))
                    .as("%s --transactional-id-prefix", deployment).isPresent();
            assertThat(groups.add(job.get(ClassificationJobOptions.GROUP_ID))).as("%s group id", deployment).isTrue();
            assertThat(prefixes.add(job.get(ClassificationJobOptions.TRANSACTIONAL_ID_PREFIX)))
                    .as("%s transactional id prefix", deployment).isTrue();
        }
    }

    @Test
    void theModelIsMountedOnTheTaskManagersThatLoadIt() throws IOException {
        OperatorClasses operator = new OperatorClasses();
        for (Document deployment : deployments) {
            Configuration job = JobArguments.parse(Manifests.jobArgs(deployment.tree()), ClassificationJobOptions.class)
                    .configuration();
            List<String> files = new ArrayList<>(List.of(job.get(ClassificationJobOptions.MODEL)));
            job.getOptional(ClassificationJobOptions.LABELS).ifPresent(files::add);
            FlinkDeploymentSpec spec = operator.read(deployment.tree(), "v1_20").getSpec();
            List<String> mounts = new ArrayList<>();
            for (PodSpec pod : new PodSpec[] {podSpec(spec.getPodTemplate()), podSpec(spec.getTaskManager().getPodTemplate())}) {
                mainContainer(pod).ifPresent(c -> c.getVolumeMounts().stream().map(VolumeMount::getMountPath).forEach(mounts::add));
            }
            for (String file : files) {
                URI uri = URI.create(file.contains(":") ? file : "file:" + file);
                if (!"file".equals(uri.getScheme())) {
                    continue; // read through Flink's FileSystem on the TaskManagers
                }
                Path path = Path.of(uri.getPath()).normalize();
                assertThat(mounts).as("%s: no TaskManager volume holds %s", deployment, file)
                        .anyMatch(mount -> path.startsWith(Path.of(mount)));
            }
        }
    }

    @Test
    void theGpuDeploymentRequestsTheGpusItsFlinkConfigurationDeclares() throws IOException {
        Document gpu = deployments.stream().filter(d -> d.name().equals("flink-vision-gpu")).findFirst().orElseThrow();
        Configuration config = Configuration.fromMap(Manifests.flinkConfiguration(gpu.tree()));
        assertThat(config.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST)).containsExactly("gpu");
        long amount = config.get(org.apache.flink.configuration.ConfigOptions
                .key(ExternalResourceOptions.getAmountConfigOptionForResource("gpu")).longType().noDefaultValue());
        assertThat(config.toMap()).containsEntry(
                ExternalResourceOptions.getSystemConfigKeyConfigOptionForResource("gpu", "kubernetes.config-key"), "nvidia.com/gpu");
        assertThat(config.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL)).contains("ai.onnxruntime.");

        PodSpec pod = podSpec(new OperatorClasses().read(gpu.tree(), "v1_20").getSpec().getTaskManager().getPodTemplate());
        Container main = mainContainer(pod).orElseThrow();
        assertThat(main.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity(Long.toString(amount)));
        assertThat(pod.getNodeSelector()).isNotEmpty();
        assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));

        // The discovery script where the image puts it, and a job that asks for CUDA.
        String script = config.toMap().get(ExternalResourceOptions.getExternalResourceParamConfigPrefixForResource("gpu")
                + "discovery-script.path");
        assertThat(script).isNotNull();
        assertThat(dockerfile("Dockerfile.gpu")).contains(Path.of(script).getParent().toString())
                .contains("/opt/flink/lib/").contains("/opt/flink/usrlib/flink-vision-job.jar");
        Configuration job = JobArguments.parse(Manifests.jobArgs(gpu.tree()), ClassificationJobOptions.class).configuration();
        assertThat(job.get(ClassificationJobOptions.DEVICE)).hasToString("CUDA");
    }

    @Test
    void theKafkaTopicsHoldWhatTheDeploymentsReadAndWrite() throws IOException {
        List<Document> topics = Manifests.ofKind("KafkaTopic");
        for (Document deployment : deployments) {
            Configuration job = JobArguments.parse(Manifests.jobArgs(deployment.tree()), ClassificationJobOptions.class)
                    .configuration();
            int maxFrameBytes = job.get(ClassificationJobOptions.MAX_FRAME_BYTES);
            int parallelism = deployment.tree().path("spec").path("job").path("parallelism").asInt();
            JsonNode frames = topic(topics, job.get(ClassificationJobOptions.FRAMES_TOPIC));
            JsonNode deadLetters = topic(topics, job.get(ClassificationJobOptions.DEAD_LETTER_TOPIC));
            topic(topics, job.get(ClassificationJobOptions.LABELLED_TOPIC));
            topic(topics, job.get(ClassificationJobOptions.SUMMARIES_TOPIC));
            assertThat(maxMessageBytes(frames)).as("frames topic vs %s --max-frame-bytes", deployment)
                    .isGreaterThanOrEqualTo(maxFrameBytes);
            assertThat(maxMessageBytes(deadLetters)).as("a dead letter carries the whole frame and more")
                    .isGreaterThan(maxMessageBytes(frames));
            assertThat(frames.path("spec").path("partitions").asInt())
                    .as("frames partitions: source subtasks beyond them idle (%s parallelism %d)", deployment, parallelism)
                    .isGreaterThanOrEqualTo(parallelism);
        }
        assertThat(topics).allSatisfy(t -> assertThat(t.tree().path("spec").path("config").path("retention.ms").asLong())
                .as("%s retention.ms", t).isPositive());
    }

    private static JsonNode topic(List<Document> topics, String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst()
                .map(Document::tree).orElseThrow(() -> new AssertionError("no KafkaTopic " + name + " in deploy/kubernetes"));
    }

    private static long maxMessageBytes(JsonNode topic) {
        return Long.parseLong(topic.path("spec").path("config").path("max.message.bytes").asText("0"));
    }

    private static PodSpec podSpec(io.fabric8.kubernetes.api.model.PodTemplateSpec template) {
        return template == null || template.getSpec() == null ? new PodSpec() : template.getSpec();
    }

    private static java.util.Optional<Container> mainContainer(PodSpec pod) {
        return pod.getContainers() == null ? java.util.Optional.empty()
                : pod.getContainers().stream().filter(c -> MAIN_CONTAINER.equals(c.getName())).findFirst();
    }

    private static String dockerfile(String name) throws IOException {
        return Files.readString(Manifests.deployDirectory().resolve(name));
    }
}
