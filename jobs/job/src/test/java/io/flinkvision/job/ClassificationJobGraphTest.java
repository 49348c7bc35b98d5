package io.flinkvision.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as a cluster gets it: built without the model file (the TaskManagers load it), every
 * operator with a uid (savepoints map state by uid), the cluster's parallelism kept.
 */
class ClassificationJobGraphTest {
    @TempDir
    Path temp;

    private ClassificationJob jobWithAModelOnlyTheTaskManagersHave(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--model",
                temp.resolve("mounted-on-taskmanagers-only/b0.onnx").toString(), "--bootstrap-servers", "broker:9092",
                "--preflight", "false", "--job-name", "graph-test")); // the graph only: no broker to ask
        args.addAll(List.of(more));
        return ClassificationJob.onKafka(JobArguments.parse(args.toArray(String[]::new), ClassificationJobOptions.class));
    }

    @Test
    void theJobBuildsWithoutTheModelFileAndEveryOperatorHasAUid() throws Exception {
        ClassificationJob job = jobWithAModelOnlyTheTaskManagersHave();
        assertThat(job.modelName()).isEqualTo("b0");
        assertThatThrownBy(job::model).isInstanceOf(IllegalStateException.class).hasMessageContaining("TaskManagers");

        Configuration cluster = new Configuration();
        cluster.setString("parallelism.default", "3");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        job.build(env);
        StreamGraph graph = env.getStreamGraph();

        assertThat(graph.getStreamNodes()).hasSizeGreaterThanOrEqualTo(7)
                .allSatisfy(node -> assertThat(node.getTransformationUID()).as("uid of %s", node.getOperatorName())
                        .isNotBlank());
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getTransformationUID).doesNotHaveDuplicates()
                .contains("frames-source", "inference", "window-summaries", "labelled-sink", "dead-letter-sink",
                        "summary-sink");
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getParallelism).containsOnly(3);
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getMaxParallelism)
                .containsOnly(ClassificationJobOptions.MAX_PARALLELISM.defaultValue());

        // What travels to the cluster serializes: the inference operator carries where the model is, not the model.
        JobGraph jobGraph = graph.getJobGraph();
        assertThat(jobGraph.getNumberOfVertices()).isPositive();
    }

    @Test
    void flagsSetParallelismAndCheckpointingOnTheGraph() {
        ClassificationJob job = jobWithAModelOnlyTheTaskManagersHave("--parallelism", "2", "--checkpoint-interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getParallelism).containsOnly(2);
        assertThat(graph.getCheckpointConfig().getCheckpointInterval()).isEqualTo(1_000);
    }

    @Test
    void inferenceCanHaveSlotsAndParallelismOfItsOwn() {
        ClassificationJob job = jobWithAModelOnlyTheTaskManagersHave(
                "--inference-slot-sharing-group", "gpu-inference", "--inference-parallelism", "2");
        Configuration cluster = new Configuration();
        cluster.setString("parallelism.default", "6");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        job.build(env);
        StreamGraph graph = env.getStreamGraph();

        StreamNode inference = graph.getStreamNodes().stream()
                .filter(node -> "inference".equals(node.getTransformationUID())).findFirst().orElseThrow();
        assertThat(inference.getSlotSharingGroup()).isEqualTo("gpu-inference");
        assertThat(inference.getParallelism()).isEqualTo(2);
        assertThat(graph.getStreamNodes()).filteredOn(node -> node != inference).isNotEmpty()
                .allSatisfy(node -> {
                    assertThat(node.getSlotSharingGroup()).as("group of %s", node.getOperatorName()).isEqualTo("default");
                    assertThat(node.getParallelism()).as("parallelism of %s", node.getOperatorName()).isEqualTo(6);
                });
    }

    @Test
    void withoutTheFlagsTheWholeJobSharesOneGroup() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        jobWithAModelOnlyTheTaskManagersHave().build(env);
        assertThat(env.getStreamGraph().getStreamNodes()).extracting(StreamNode::getSlotSharingGroup)
                .containsOnly("default");
    }
}
