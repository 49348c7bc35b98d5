package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.PublishSummary;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.WindowSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A TaskManager killed mid-run: after recovery every frame still ends exactly once in read_committed output. */
class ExactlyOnceRecoveryITCase {
    private static final int FRAMES_PER_STREAM = 300;
    private static final int BAD_PER_STREAM = 3;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    @Test
    void killingTheTaskManagerLosesAndDuplicatesNothing(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // The generated B0: this test is about delivery, not labels, and so needs nothing from ../shared.
        Path model = OfflineFallbackModel.ensure(OfflineFallbackModel.defaultLocation());
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "frames", "labelled", "dead", "summaries");
            PublishSummary published = FramePublisher.builder().bootstrapServers(kafka.bootstrapServers())
                    .topic("frames").source(new SyntheticSource(160, 120, 3)).streams(2).fps(0)
                    .framesPerStream(FRAMES_PER_STREAM).badFramesPerStream(BAD_PER_STREAM).build().run();
            long sent = published.total();
            assertThat(sent).isEqualTo(2L * (FRAMES_PER_STREAM + BAD_PER_STREAM));

            ClassificationJob job = ClassificationJob.onKafka(JobArguments.parse(new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--labelled-topic", "labelled", "--dead-letter-topic", "dead", "--summaries-topic", "summaries",
                    "--model", model.toString(), "--stop-at-latest", "--batch-size", "1",
                    "--window-size", "1s", "--checkpoint-interval", "500ms", "--delivery-guarantee", "exactly-once",
                    "--job-name", "exactly-once-recovery",
            }, ClassificationJobOptions.class));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            job.build(env);
            JobClient client = env.executeAsync("exactly-once recovery");

            try (OutputTopicsReader out = new OutputTopicsReader(kafka.bootstrapServers(), "labelled", "dead",
                    "summaries")) {
                // Several checkpoints have committed output: kill the TaskManager while the rest is in flight
                // (read from Kafka, in the batcher or in ONNX Runtime, or written to an open transaction).
                assertThat(out.pollUntil(r -> r.outcomes() >= sent / 5, Duration.ofSeconds(120))).isTrue();
                long committedBeforeKill = out.outcomes();
                assertThat(client.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
                cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
                cluster.startTaskManager();
                System.out.printf("recovery: TaskManager killed with %d of %d outcomes committed%n",
                        committedBeforeKill, sent);

                client.getJobExecutionResult().get(180, TimeUnit.SECONDS);
                assertThat(committedBeforeKill).as("killed mid-run").isLessThan(sent);
                assertThat(cluster.getArchivedExecutionGraph(client.getJobID()).get()
                        .getStatusTimestamp(JobStatus.RESTARTING)).as("the job restarted").isPositive();

                out.pollUntil(r -> r.outcomes() >= sent && r.framesInWindows() >= sent, Duration.ofSeconds(60));
                out.drain(Duration.ofSeconds(2)); // anything more would be a duplicate

                Map<String, Long> labelled = out.labelled().stream().collect(Collectors.groupingBy(
                        f -> f.getStreamId() + "/" + f.getSequence(), Collectors.counting()));
                assertThat(labelled).hasSize(2 * FRAMES_PER_STREAM)
                        .allSatisfy((frame, n) -> assertThat(n).as("copies of %s", frame).isEqualTo(1));
                Map<String, Long> dead = out.deadLetters().stream().collect(Collectors.groupingBy(
                        (DeadLetter d) -> d.getSourcePartition() + "@" + d.getSourceOffset(), Collectors.counting()));
                assertThat(out.deadLetters()).hasSize(2 * BAD_PER_STREAM);
                assertThat(out.outcomes()).isEqualTo(sent);
                assertThat(out.summaries().stream().mapToLong(WindowSummary::getFramesIn).sum()).isEqualTo(sent);
                assertThat(dead.values()).allMatch(n -> n == 1L);
            }
        }
    }
}
