package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.job.config.ExecutionSettings.Applied;
import io.flinkvision.job.config.ExecutionSettings.Source;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The job sets parallelism, checkpointing and restarts only when told to: otherwise the cluster's stay. */
class ExecutionSettingsTest {

    /** An environment as `flink run -p 3` on a cluster with this config.yaml would give the job. */
    private static StreamExecutionEnvironment clusterEnvironment() {
        Configuration cluster = new Configuration();
        cluster.setString("parallelism.default", "3");
        cluster.setString("execution.checkpointing.interval", "7 s");
        cluster.setString("execution.checkpointing.mode", "AT_LEAST_ONCE");
        cluster.setString("execution.checkpointing.timeout", "2 min");
        cluster.setString("execution.checkpointing.dir", "file:///cluster/checkpoints");
        cluster.setString("restart-strategy.type", "exponential-delay");
        return StreamExecutionEnvironment.getExecutionEnvironment(cluster);
    }

    private static Configuration flags(Map<String, String> settings) {
        return JobArguments.of(settings, ClassificationJobOptions.class).configuration();
    }

    @Test
    void withoutFlagsTheClusterSettingsStay() {
        StreamExecutionEnvironment env = clusterEnvironment();
        List<Applied> applied = ExecutionSettings.apply(flags(Map.of()), env);

        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7_000);
        assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode()).isEqualTo(CheckpointingMode.AT_LEAST_ONCE);
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(120_000);
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///cluster/checkpoints");
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        // Max parallelism fixes savepoints' key groups: never left to chance.
        assertThat(env.getMaxParallelism()).isEqualTo(ClassificationJobOptions.MAX_PARALLELISM.defaultValue());

        assertThat(applied).extracting(Applied::toString).contains("parallelism 3 (source: cluster)",
                "checkpoint-interval PT7S (source: cluster)", "checkpoint-mode AT_LEAST_ONCE (source: cluster)",
                "restart-strategy exponential-delay (source: cluster)", "max-parallelism 128 (source: default)");
        assertThat(applied).filteredOn(a -> !a.setting().equals("max-parallelism"))
                .extracting(Applied::source).containsOnly(Source.CLUSTER);
    }

    @Test
    void flagsWinOverTheCluster() {
        StreamExecutionEnvironment env = clusterEnvironment();
        List<Applied> applied = ExecutionSettings.apply(flags(Map.of("parallelism", "2", "max-parallelism", "64",
                "checkpoint-interval", "1s", "checkpoint-mode", "EXACTLY_ONCE", "checkpoint-timeout", "30s",
                "checkpoint-directory", "s3://bucket/checkpoints", "restart-strategy", "fixed-delay",
                "restart-attempts", "5", "restart-delay", "3s")), env);

        assertThat(env.getParallelism()).isEqualTo(2);
        assertThat(env.getMaxParallelism()).isEqualTo(64);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(1_000);
        assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(30_000);
        Configuration effective = Configuration.fromMap(env.getConfiguration().toMap());
        assertThat(effective.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(effective.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("s3://bucket/checkpoints");
        assertThat(effective.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(effective.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(5);
        assertThat(applied).extracting(Applied::source).containsOnly(Source.FLAG);
        assertThat(applied).extracting(Applied::toString).contains("parallelism 2 (source: flag)",
                "checkpoint-directory s3://bucket/checkpoints (source: flag)");
    }

    @Test
    void theClustersMaxParallelismIsKeptWhenNoFlagSetsOne() {
        Configuration cluster = new Configuration();
        cluster.setString("pipeline.max-parallelism", "256");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        assertThat(ExecutionSettings.apply(flags(Map.of()), env)).extracting(Applied::toString)
                .contains("max-parallelism 256 (source: cluster)");
        assertThat(env.getMaxParallelism()).isEqualTo(256);
    }

    @Test
    void anUnsetClusterMeansNoCheckpointsAndTheJobSaysSo() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        assertThat(ExecutionSettings.apply(flags(Map.of()), env)).extracting(Applied::toString)
                .contains("checkpoint-interval disabled (source: cluster)");
        assertThat(ExecutionSettings.checkpointing(env)).isFalse();
    }

    @Test
    void restartFlagsThatCannotApplySayWhatToFix() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        assertThatThrownBy(() -> ExecutionSettings.apply(flags(Map.of("restart-strategy", "sometimes")), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixed-delay");
        assertThatThrownBy(() -> ExecutionSettings.apply(flags(Map.of("restart-attempts", "3")), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need --restart-strategy");
        assertThatThrownBy(() -> ExecutionSettings.apply(flags(Map.of("restart-strategy", "none",
                "restart-delay", "1s")), env)).isInstanceOf(IllegalArgumentException.class);
    }
}
