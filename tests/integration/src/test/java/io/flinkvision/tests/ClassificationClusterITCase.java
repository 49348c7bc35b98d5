package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.PublishSummary;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.testkit.FlinkProcessCluster;
import io.flinkvision.testkit.FlinkProcessCluster.TaskManager;
import io.flinkvision.testkit.FlinkRestClient;
import io.flinkvision.testkit.FlinkRestClient.JarRun;
import io.flinkvision.testkit.KafkaBrokerProcess;
import io.flinkvision.testkit.OutputTopicsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar on a real multi-process cluster (a JobManager and TaskManager JVMs, a Kafka broker
 * JVM), as {@code flink run} would run it: exactly-once, checkpoints every second from the cluster's
 * config.yaml (no job flag), frames published continuously on several streams. The TaskManager
 * running inference is killed with SIGKILL mid-stream and replaced; the job recovers from its last
 * checkpoint; it is stopped with a savepoint and resumed from it at a higher parallelism. A
 * read_committed consumer then finds every published record exactly once, as a labelled frame or a
 * dead letter, and window summaries that add up; a TaskManager's Prometheus endpoint shows the
 * pipeline's own metrics moving. Prints the recovery time and the cluster's frames/s.
 */
class ClassificationClusterITCase {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int STREAMS = 3;
    private static final double FPS_PER_STREAM = 1.5;
    private static final int BAD_PER_STREAM = 3;
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";

    @Test
    void theJobSurvivesAKilledTaskManagerAndARescaleWithEveryFrameOnceAndItsMetricsInPrometheus() throws Exception {
        Path jar = Path.of(System.getProperty("flinkvision.jobJar", "../../jobs/job/target/missing.jar"));
        assertThat(jar).as("the shaded job jar (the job module's package phase builds it)").isRegularFile();
        // The generated B0 (random weights): this test is about delivery and recovery, not labels.
        Path model = OfflineFallbackModel.ensure(OfflineFallbackModel.defaultLocation());

        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.builder().start();
                FlinkProcessCluster cluster = FlinkProcessCluster.builder().taskManagers(2).slotsPerTaskManager(1)
                        .prometheus(true).workDirectory(workDirectory())
                        // The cluster's choice, which the job must keep: it is given no --checkpoint-interval.
                        .config("execution.checkpointing.interval", "1 s")
                        .jvmOption("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.flinkvision.schemas")
                        // Found here: ONNX Runtime 1.29's native load dies with SIGSEGV (no hs_err) on a thread
                        // with the default 1 MiB stack once the JVM's classpath is long (Flink's 44 jars, ~4 KB);
                        // 2 MiB is enough. The JobManager loads it too: main() inspects a model it can read.
                        .jvmOption("-Xss2m").start()) {
            kafka.createTopics(4, "frames");
            kafka.createTopics(2, "labelled", "dead", "summaries");
            FlinkRestClient rest = cluster.rest();
            String jarId = rest.uploadJar(jar);
            List<String> args = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--labelled-topic", "labelled", "--dead-letter-topic", "dead", "--summaries-topic", "summaries",
                    "--model", model.toUri().toString(), "--model-sha256", sha256(model),
                    // Idleness well above any stall here: a partition held back by backpressure (the backlog
                    // after each restart) must not be declared idle, or its frames come late to their windows
                    // (counted as lateOutcomes, not summarised) and the windows would not add up.
                    "--window-size", "2s", "--idleness", "30s", "--job-name", "cluster-it");

            FramePublisher publisher = FramePublisher.builder().bootstrapServers(kafka.bootstrapServers())
                    .topic("frames").source(new SyntheticSource(160, 120, 7, SyntheticSource.UNBOUNDED, 0.8f))
                    .streams(STREAMS).fps(FPS_PER_STREAM).framesPerStream(100_000).badFramesPerStream(BAD_PER_STREAM)
                    .build();
            CompletableFuture<PublishSummary> publishing = CompletableFuture.supplyAsync(() -> {
                try {
                    return publisher.run();
                } catch (IOException e) {
                    throw new IllegalStateException("publishing failed", e);
                }
            });

            try (OutputTopicsReader out = new OutputTopicsReader(kafka.bootstrapServers(), "labelled", "dead",
                    "summaries")) {
                // ---- 1. Submitted like `flink run -p 1`: parallelism and checkpointing are the cluster's.
                String job = rest.runJar(jarId, JarRun.withArgs(args.toArray(String[]::new)).parallelism(1));
                rest.awaitAllTasksRunning(job, TIMEOUT);
                assertThat(Files.readString(cluster.jobManagerLog())).contains(
                        "flink-vision job: parallelism 1 (source: cluster)",
                        "flink-vision job: checkpoint-interval PT1S (source: cluster)",
                        "flink-vision job: max-parallelism 128 (source: default)");
                assertThat(out.pollUntil(r -> r.outcomes() >= 15, TIMEOUT)).as("committed output before the kill").isTrue();

                // ---- 2. Prometheus on the TaskManager running inference: the pipeline's own metrics, moving.
                TaskManager victim = cluster.taskManager(rest.taskManagersRunning(job).get(0));
                PrometheusSample first = PrometheusSample.parse(cluster.scrapePrometheus(victim));
                sleep(3_000);
                PrometheusSample second = PrometheusSample.parse(cluster.scrapePrometheus(victim));
                System.out.println("ClusterITCase: pipeline metrics on " + victim.resourceId() + ": "
                        + second.namesStartingWith(OPERATOR).stream().filter(ClassificationClusterITCase::isPipelineMetric)
                                .toList());
                assertPipelineMetricsMove(first, second);

                // ---- 3. kill -9 of that TaskManager mid-stream, a replacement, recovery from the last checkpoint.
                long committedBeforeKill = out.outcomes();
                assertThat(rest.latestRestoredCheckpointId(job)).as("not restored yet").isEqualTo(-1);
                long killNanos = System.nanoTime();
                cluster.kill(victim);
                // The replacement registers while the job fails over (to the spare TaskManager, or to it).
                CompletableFuture<TaskManager> replacing = CompletableFuture.supplyAsync(cluster::startTaskManager);
                awaitRecovered(rest, job);
                long recoveryMillis = millisSince(killNanos);
                TaskManager replacement = replacing.get(2, TimeUnit.MINUTES);
                assertThat(out.pollUntil(r -> r.outcomes() >= committedBeforeKill + 15, TIMEOUT))
                        .as("committed output after recovery").isTrue();
                System.out.printf("ClusterITCase: kill -9 of %s with %d outcomes committed; job RUNNING again"
                        + " (restored from checkpoint %d) %d ms after the kill%n", victim.resourceId(),
                        committedBeforeKill, rest.latestRestoredCheckpointId(job), recoveryMillis);

                // ---- 4. Stop with a savepoint, resume from it at parallelism 2 (one slot on each TaskManager).
                String savepoint = rest.stopWithSavepoint(job, null, TIMEOUT);
                rest.awaitJobState(job, "FINISHED", TIMEOUT);
                long stoppedNanos = System.nanoTime();
                long stoppedAtMillis = System.currentTimeMillis();
                String resumed = rest.runJar(jarId, JarRun.withArgs(args.toArray(String[]::new)).parallelism(2)
                        .fromSavepoint(savepoint, false));
                rest.awaitAllTasksRunning(resumed, TIMEOUT);
                long resumedAtMillis = System.currentTimeMillis();
                System.out.printf("ClusterITCase: stopped with savepoint %s, resumed at parallelism 2 in %d ms%n",
                        savepoint, millisSince(stoppedNanos));
                assertThat(rest.taskManagersRunning(resumed)).hasSize(2).contains(replacement.resourceId());
                assertThat(rest.job(resumed).vertices()).extracting(FlinkRestClient.Vertex::parallelism).containsOnly(2);
                assertThat(rest.latestRestoredCheckpointId(resumed)).as("restored from the savepoint").isPositive();
                assertThat(Files.readString(cluster.jobManagerLog()))
                        .contains("flink-vision job: parallelism 2 (source: cluster)");

                // ---- 5. Stop publishing; wait for every record to come out.
                publisher.stop();
                PublishSummary published = publishing.get(1, TimeUnit.MINUTES);
                long sent = published.total();
                assertThat(out.pollUntil(r -> r.outcomes() >= sent, Duration.ofMinutes(3)))
                        .as("all %d published records out", sent).isTrue();
                printBacklogThroughput(out.labelled(), stoppedAtMillis, resumedAtMillis, sent);

                // ---- 6. Drain: MAX_WATERMARK fires the last windows, the sinks commit; then nothing more comes.
                rest.stopWithSavepoint(resumed, null, true, TIMEOUT);
                rest.awaitJobState(resumed, "FINISHED", TIMEOUT);
                out.pollUntil(r -> r.framesInWindows() >= sent, Duration.ofSeconds(60));
                out.drain(Duration.ofSeconds(3));

                assertExactlyOnce(readPublished(kafka.bootstrapServers(), "frames"), out, sent);
                assertWindowsAddUp(out, sent);
            }
        }
    }

    /**
     * The cluster's frames/s: how fast the resumed job (parallelism 2) labelled the backlog that built up
     * while it was down, i.e. frames captured before it was running again, by their labelledTime.
     */
    private static void printBacklogThroughput(List<LabelledFrame> labelled, long stoppedAtMillis, long resumedAtMillis,
            long sent) {
        long[] times = labelled.stream()
                .filter(f -> f.getCaptureTime().toEpochMilli() < resumedAtMillis
                        && f.getLabelledTime().toEpochMilli() > stoppedAtMillis)
                .mapToLong(f -> f.getLabelledTime().toEpochMilli()).sorted().toArray();
        double seconds = times.length > 1 ? (times[times.length - 1] - times[0]) / 1e3 : Double.NaN;
        System.out.printf("ClusterITCase: %d records published on %d streams; the resumed job labelled the %d frames"
                + " of its backlog at %.1f frames/s (parallelism 2: two TaskManagers, one slot each)%n", sent, STREAMS,
                times.length, times.length / seconds);
    }

    /** Kept under target/ after the run: the processes' logs are what explains a failure. */
    private static Path workDirectory() throws IOException {
        return Files.createDirectories(Path.of("target", "cluster-itcase-" + System.currentTimeMillis()));
    }

    private static boolean isPipelineMetric(String name) {
        return List.of("framesIn", "framesLabelled", "framesDeadLettered", "batchSize", "inferenceLatencyMillis",
                "inferenceDevice", "fellBackToCpu", "batches").stream().anyMatch(name::contains);
    }

    private static void assertPipelineMetricsMove(PrometheusSample first, PrometheusSample second) {
        for (String counter : List.of("framesIn", "framesLabelled", "batchSize_count", "inferenceLatencyMillis_count")) {
            assertThat(second.sum(OPERATOR + counter)).as("%s on the second scrape", counter)
                    .isGreaterThan(first.sum(OPERATOR + counter));
        }
        // The bad records come first in every stream: by now they are counted, each under its reason.
        List<PrometheusSample.Sample> byReason = second.named(OPERATOR + "reason_framesDeadLettered");
        assertThat(byReason).extracting(s -> s.labels().get("reason")).contains(ReasonCode.CORRUPT_IMAGE.name());
        assertThat(second.sum(OPERATOR + "framesDeadLettered")).isPositive()
                .isEqualTo(byReason.stream().mapToDouble(PrometheusSample.Sample::value).sum());
        assertThat(second.named(OPERATOR + "deviceName_inferenceDevice")).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("deviceName", "cpu"));
        assertThat(second.sum(OPERATOR + "fellBackToCpu")).isZero();
    }

    /** Every published record, by stream and sequence (by partition and offset when it is not a Frame). */
    private static void assertExactlyOnce(Map<String, Long> published, OutputTopicsReader out, long sent) {
        assertThat(published).hasSize((int) sent);
        Map<String, Long> seen = new HashMap<>();
        for (LabelledFrame frame : out.labelled()) {
            seen.merge(frame.getStreamId() + "/" + frame.getSequence(), 1L, Long::sum);
        }
        for (DeadLetter dead : out.deadLetters()) {
            String key = dead.getStreamId() != null && dead.getSequence() != null
                    ? dead.getStreamId() + "/" + dead.getSequence()
                    : "raw/" + dead.getSourcePartition() + "@" + dead.getSourceOffset();
            seen.merge(key, 1L, Long::sum);
        }
        assertThat(seen.keySet()).as("outcomes of exactly the published records")
                .containsExactlyInAnyOrderElementsOf(published.keySet());
        assertThat(seen).allSatisfy((key, copies) -> assertThat(copies).as("copies of %s", key).isEqualTo(1));
        assertThat(out.deadLetters()).hasSize(STREAMS * BAD_PER_STREAM);
        assertThat(out.outcomes()).isEqualTo(sent);
    }

    /** One summary per (stream, window); together they count every outcome once, per stream too. */
    private static void assertWindowsAddUp(OutputTopicsReader out, long sent) {
        List<WindowSummary> summaries = out.summaries();
        assertThat(summaries.stream().map(s -> s.getStreamId() + "@" + s.getWindowStart()))
                .as("one summary per stream and window").doesNotHaveDuplicates();
        assertThat(summaries).allSatisfy(s -> assertThat(s.getFramesIn())
                .isEqualTo(s.getFramesLabelled() + s.getFramesDeadLettered()));
        assertThat(summaries.stream().mapToLong(WindowSummary::getFramesIn).sum()).isEqualTo(sent);
        Map<String, Long> labelledPerStream = out.labelled().stream()
                .collect(Collectors.groupingBy(f -> f.getStreamId().toString(), Collectors.counting()));
        Map<String, Long> summarisedPerStream = summaries.stream().collect(Collectors.groupingBy(
                s -> s.getStreamId().toString(), Collectors.summingLong(WindowSummary::getFramesLabelled)));
        assertThat(summarisedPerStream).isEqualTo(labelledPerStream);
    }

    /** The frames topic as published: a key per record (stream/sequence, or raw/partition@offset). */
    private static Map<String, Long> readPublished(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        Map<String, Long> keys = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String key;
                    try {
                        Frame frame = codec.decode(record.value());
                        key = frame.getStreamId() + "/" + frame.getSequence();
                    } catch (IOException | RuntimeException e) {
                        key = "raw/" + record.partition() + "@" + record.offset();
                    }
                    keys.merge(key, 1L, Long::sum);
                }
            }
        }
        assertThat(keys).as("each published key once").allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        return keys;
    }

    /** Until the job has restored from a checkpoint and every task is RUNNING again. */
    private static void awaitRecovered(FlinkRestClient rest, String job) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (rest.latestRestoredCheckpointId(job) < 0 || !rest.job(job).allTasksRunning()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the job did not recover from a checkpoint within " + TIMEOUT + ": "
                        + rest.job(job) + "; " + rest.exceptions(job));
            }
            sleep(100);
        }
    }

    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        return java.util.HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
