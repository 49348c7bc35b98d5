package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.testkit.KafkaBrokerProcess;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.tests.faults.FaultInjectingPipelineFactory;
import io.flinkvision.tests.faults.Faults;
import io.flinkvision.tests.faults.Faults.RunFault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults, each proven on the real job: a real broker in its own process, a Flink MiniCluster, the
 * generated EfficientNet-B0 in ONNX Runtime, synthetic JPEG frames. Faults in inference come in
 * through the job's {@code PipelineFactory} seam, around the real runner and decoder
 * ({@link FaultInjectingPipelineFactory}). Every test reconciles read_committed output: each frame
 * published ends exactly once, as one labelled frame or one dead letter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the broker restart last: the others need a settled broker
class FaultToleranceITCase {
    private static final int STREAMS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static KafkaBrokerProcess broker;
    private static Path model;
    private static int run;
    /** Each test's topics, with its frames published before any job runs (a fresh broker takes them fastest). */
    private static Topics inference;
    private static Topics stalls;
    private static Topics slow;
    private static Topics restart;
    private static final Map<Topics, Long> SENT = new HashMap<>();

    @BeforeAll
    static void startBrokerAndPublish() throws Exception {
        // The generated B0: these tests are about delivery and faults, not labels.
        model = OfflineFallbackModel.ensure(OfflineFallbackModel.defaultLocation());
        broker = KafkaBrokerProcess.builder().start();
        inference = Topics.next();
        stalls = Topics.next();
        slow = Topics.next();
        restart = Topics.next();
        SENT.put(inference, publish(inference, 40));
        SENT.put(stalls, publish(stalls, 40));
        SENT.put(slow, publish(slow, 120));
        SENT.put(restart, publish(restart, 150));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void clearPipelines() {
        FaultInjectingPipelineFactory.OPENED.clear();
    }

    /** Topics of their own per test: frames, labelled, dead, summaries. */
    private record Topics(String frames, String labelled, String dead, String summaries) {
        static Topics next() {
            int n = ++run;
            Topics t = new Topics("frames-" + n, "labelled-" + n, "dead-" + n, "summaries-" + n);
            broker.createTopics(2, t.frames, t.labelled, t.dead, t.summaries);
            return t;
        }
    }

    private static long publish(Topics topics, int framesPerStream) throws Exception {
        return FramePublisher.builder().bootstrapServers(broker.bootstrapServers()).topic(topics.frames())
                .source(new SyntheticSource(160, 120, 7)).streams(STREAMS).fps(0).framesPerStream(framesPerStream)
                .build().run().total();
    }

    private static ClassificationJob job(Topics topics, Faults faults, String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", broker.bootstrapServers(),
                "--frames-topic", topics.frames(), "--labelled-topic", topics.labelled(),
                "--dead-letter-topic", topics.dead(), "--summaries-topic", topics.summaries(),
                "--model", model.toString(), "--stop-at-latest", "--window-size", "1s",
                "--checkpoint-interval", "300ms", "--delivery-guarantee", "exactly-once",
                "--group-id", "fault-" + topics.frames(), "--transactional-id-prefix", "fault-" + topics.frames()));
        args.addAll(List.of(extra));
        ClassificationJob job = ClassificationJob.onKafka(JobArguments.parse(args.toArray(String[]::new),
                ClassificationJobOptions.class));
        if (faults != null) {
            job.withPipelineFactory(new FaultInjectingPipelineFactory(job.model(), job.pipelineSettings(), faults));
        }
        return job;
    }

    private static JobClient start(ClassificationJob job, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.build(env);
        return env.executeAsync(name);
    }

    /** Reads everything the job committed, asserts each frame ended exactly once, returns the dead letters by reason. */
    private static Map<ReasonCode, List<DeadLetter>> reconcile(OutputTopicsReader out, long sent) {
        out.pollUntil(r -> r.outcomes() >= sent, Duration.ofSeconds(60));
        out.drain(Duration.ofSeconds(2)); // anything more would be a duplicate
        Map<String, Long> copies = Stream.concat(
                        out.labelled().stream().map((LabelledFrame f) -> f.getStreamId() + "/" + f.getSequence()),
                        out.deadLetters().stream().map((DeadLetter d) -> d.getStreamId() + "/" + d.getSequence()))
                .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        assertThat(copies).as("frames that ended").hasSize((int) sent)
                .allSatisfy((frame, n) -> assertThat(n).as("outcomes of %s", frame).isEqualTo(1));
        assertThat(out.outcomes()).isEqualTo(sent);
        Map<ReasonCode, List<DeadLetter>> byReason = new HashMap<>();
        for (DeadLetter d : out.deadLetters()) {
            byReason.computeIfAbsent(d.getReason(), r -> new ArrayList<>()).add(d);
        }
        return byReason;
    }

    /** The pipeline that took the frames (a subtask may open and close one without frames first). */
    private static InferencePipeline busiestPipeline() {
        List<InferencePipeline> opened = FaultInjectingPipelineFactory.OPENED;
        assertThat(opened).as("pipelines opened").isNotEmpty();
        return opened.stream().max(java.util.Comparator.comparingLong(InferencePipeline::framesIn)).orElseThrow();
    }

    private static OutputTopicsReader reader(Topics t) {
        return new OutputTopicsReader(broker.bootstrapServers(), t.labelled(), t.dead(), t.summaries());
    }

    @Test
    @Order(4)
    void aBrokerStoppedAndRestartedMidStreamLosesAndDuplicatesNothing(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Topics topics = restart;
        long sent = SENT.get(topics);
        JobClient client = start(job(topics, null, "--batch-size", "1", "--restart-strategy", "fixed-delay",
                "--restart-attempts", "1000", "--restart-delay", "1s"), "broker restart");
        try (OutputTopicsReader out = reader(topics)) {
            assertThat(out.pollUntil(r -> r.outcomes() >= sent / 5, Duration.ofSeconds(90))).isTrue();
            long committedBeforeStop = out.outcomes();
            broker.stop();
            Thread.sleep(8_000); // sources, sinks and checkpoints fail against a missing broker meanwhile
            broker.restart();
            client.getJobExecutionResult().get(150, TimeUnit.SECONDS);
            System.out.printf("fault broker-restart: %d of %d outcomes committed when the broker stopped%n",
                    committedBeforeStop, sent);
            assertThat(committedBeforeStop).as("stopped mid-stream").isLessThan(sent);
            Map<ReasonCode, List<DeadLetter>> dead = reconcile(out, sent);
            assertThat(dead).as("a broker outage is not a frame's fault").isEmpty();
            System.out.printf("fault broker-restart: job restarted=%s, %d labelled exactly once%n",
                    cluster.getArchivedExecutionGraph(client.getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING) > 0,
                    out.labelled().size());
        }
    }

    /** 40 ms per batch of 2, on top of the model: the source outpaces inference by far. */
    private record SlowModel() implements Faults {
        @Override
        public RunFault run(int runIndex) {
            return RunFault.NONE;
        }

        @Override
        public long slowdownMillis() {
            return 40;
        }
    }

    @Test
    @Order(3)
    void aSlowModelBackpressuresWithBoundedMemoryAndCheckpointsKeepCompleting(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Topics topics = slow;
        long sent = SENT.get(topics);
        long maxBytes = 16 * 1024;
        JobClient client = start(job(topics, new SlowModel(), "--batch-size", "2", "--async-capacity", "8",
                "--max-bytes-in-flight", Long.toString(maxBytes)), "slow model");
        try (OutputTopicsReader out = reader(topics)) {
            client.getJobExecutionResult().get(150, TimeUnit.SECONDS);
            Map<ReasonCode, List<DeadLetter>> dead = reconcile(out, sent);
            assertThat(dead).as("backpressure loses nothing").isEmpty();
            CheckpointStatsCounts checkpoints = cluster.getArchivedExecutionGraph(client.getJobID()).get()
                    .getCheckpointStatsSnapshot().getCounts();
            InferencePipeline pipeline = busiestPipeline();
            System.out.printf("fault slow-model: %d labelled, checkpoints completed=%d failed=%d, peak frames in"
                    + " pipeline=%d (capacity 8), peak payload bytes=%d (limit %d)%n", out.labelled().size(),
                    checkpoints.getNumberOfCompletedCheckpoints(), checkpoints.getNumberOfFailedCheckpoints(),
                    pipeline.peakFramesInFlight(), pipeline.peakBytesInFlight(), maxBytes);
            List<String> failures = new ArrayList<>();
            for (AbstractCheckpointStats c : cluster.getArchivedExecutionGraph(client.getJobID()).get()
                    .getCheckpointStatsSnapshot().getHistory().getCheckpoints()) {
                if (c instanceof FailedCheckpointStats failed) {
                    failures.add(c.getCheckpointId() + ": " + failed.getFailureMessage());
                }
            }
            System.out.printf("fault slow-model: failed checkpoints %s%n", failures);
            assertThat(checkpoints.getNumberOfCompletedCheckpoints()).as("checkpoints under backpressure")
                    .isGreaterThanOrEqualTo(3);
            assertThat(checkpoints.getNumberOfCompletedCheckpoints()).as("most checkpoints complete: %s", failures)
                    .isGreaterThan(4 * checkpoints.getNumberOfFailedCheckpoints());
            assertThat(pipeline.peakFramesInFlight()).isLessThanOrEqualTo(8);
            assertThat(pipeline.peakBytesInFlight()).isLessThanOrEqualTo(maxBytes);
            assertThat(pipeline.framesIn()).isEqualTo(sent);
        }
    }

    /**
     * Batches of one, so each run is one frame: runs 3-4 fail transiently and the third attempt
     * succeeds; run 10 fails permanently; runs 15, 20, 25 return NaN, a short row, no sample; runs
     * 30-32 fail transiently three times, every attempt there is.
     */
    private record BrokenInference() implements Faults {
        @Override
        public RunFault run(int i) {
            return switch (i) {
                case 3, 4, 30, 31, 32 -> RunFault.CUDA_OUT_OF_MEMORY;
                case 10 -> RunFault.INVALID_ARGUMENT;
                case 15 -> RunFault.NAN_SCORES;
                case 20 -> RunFault.SHORT_ROW;
                case 25 -> RunFault.MISSING_SAMPLE;
                default -> RunFault.NONE;
            };
        }
    }

    @Test
    @Order(1)
    void inferenceThatThrowsOrReturnsGarbageIsRetriedOrDeadLetteredByKind() throws Exception {
        Topics topics = inference;
        long sent = SENT.get(topics);
        // One batch in flight: runs are then one frame's attempts in order, and the script's indices mean frames.
        JobClient client = start(job(topics, new BrokenInference(), "--batch-size", "1", "--batches-in-flight", "1",
                "--inference-attempts", "3",
                "--inference-retry-backoff", "10ms"), "broken inference");
        try (OutputTopicsReader out = reader(topics)) {
            client.getJobExecutionResult().get(150, TimeUnit.SECONDS);
            Map<ReasonCode, List<DeadLetter>> dead = reconcile(out, sent);
            System.out.printf("fault inference: %d labelled, dead letters %s%n", out.labelled().size(),
                    dead.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size())));
            assertThat(dead.keySet()).containsExactlyInAnyOrder(ReasonCode.INFERENCE_FAILED, ReasonCode.INVALID_MODEL_OUTPUT);
            assertThat(dead.get(ReasonCode.INFERENCE_FAILED)).extracting(DeadLetter::getMessage)
                    .as("the permanent failure at once, the lasting transient one after every attempt")
                    .anySatisfy(m -> assertThat(m).contains("invalid dimensions").doesNotContain("attempts"))
                    .anySatisfy(m -> assertThat(m).contains("after 3 attempts").contains("CUDA failure"))
                    .hasSize(2);
            assertThat(dead.get(ReasonCode.INVALID_MODEL_OUTPUT)).extracting(DeadLetter::getMessage)
                    .anySatisfy(m -> assertThat(m).contains("NaN"))
                    .anySatisfy(m -> assertThat(m).contains("values"))
                    .anySatisfy(m -> assertThat(m).contains("returned 0 outputs for a batch of 1"))
                    .hasSize(3);
            // The transient failure of runs 3-4 was retried: its frame is among the labelled.
            assertThat(out.labelled()).hasSize((int) sent - 5);
        }
    }

    /**
     * Frame 7 of each stream hangs in decoding for 8 s (decode timeout 1 s); run 20 hangs for 8 s
     * (async timeout 4 s).
     */
    private record Stalls() implements Faults {
        @Override
        public RunFault run(int i) {
            return i == 20 ? RunFault.STALL : RunFault.NONE;
        }

        @Override
        public boolean stallDecode(long sequence) {
            return sequence == 7;
        }

        @Override
        public long stallMillis() {
            return 8_000;
        }
    }

    @Test
    @Order(2)
    void aStalledDecodeAndAStalledInferenceEachEndTheirFramesOnceWithinBounds() throws Exception {
        Topics topics = stalls;
        long sent = SENT.get(topics);
        JobClient client = start(job(topics, new Stalls(), "--batch-size", "1", "--async-capacity", "6",
                "--decode-timeout", "1s", "--async-timeout", "4s"), "stalls");
        try (OutputTopicsReader out = reader(topics)) {
            client.getJobExecutionResult().get(150, TimeUnit.SECONDS);
            Map<ReasonCode, List<DeadLetter>> dead = reconcile(out, sent);
            InferencePipeline pipeline = busiestPipeline();
            System.out.printf("fault stalls: %d pipeline(s) opened%n", FaultInjectingPipelineFactory.OPENED.size());
            System.out.printf("fault stalls: %d labelled, dead letters %s, decodes abandoned=%d, peak frames in"
                    + " pipeline=%d (capacity 6), decode threads now=%d%n", out.labelled().size(),
                    dead.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size())),
                    pipeline.decodesAbandoned(), pipeline.peakFramesInFlight(), pipeline.decodeThreads());
            assertThat(dead.get(ReasonCode.DECODE_TIMEOUT)).extracting(DeadLetter::getSequence)
                    .containsExactlyInAnyOrder(7L, 7L);
            assertThat(dead.get(ReasonCode.INFERENCE_TIMEOUT)).as("the stalled run's frame, and any queued behind it")
                    .isNotEmpty();
            assertThat(dead.keySet()).containsOnly(ReasonCode.DECODE_TIMEOUT, ReasonCode.INFERENCE_TIMEOUT);
            assertThat(pipeline.decodesAbandoned()).isEqualTo(2);
            assertThat(pipeline.peakFramesInFlight()).isLessThanOrEqualTo(6);
            assertThat(pipeline.framesIn()).isEqualTo(sent);
            assertThat(pipeline.framesLabelled() + pipeline.framesDeadLettered()).isEqualTo(sent);
        }
    }
}
