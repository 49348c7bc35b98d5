package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.testkit.EmbeddedKafkaExtension;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole job against a real KRaft broker and a Flink MiniCluster: every frame ends exactly once, right. */
class ClassificationPipelineITCase {
    private static final List<String> STREAMS = List.of("cam-a", "cam-b");
    private static final long MAX_PIXELS = 20_000_000L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /** What one run of the job published and read back. */
    private record Run(List<TestFrames.Photo> photos, Map<String, TestFrames.Photo> photoByFrameKey,
                       List<TestFrames.BadRecord> bad, OutputTopicsReader out, ModelSpec spec) {}

    private Run runJob(String name, Path model) throws Exception {
        // Real photos and trained weights: skipped with the reason without ../shared, failed where CI requires it.
        SharedFixtures.require(model);
        SharedFixtures.images();
        String frames = name + "-frames";
        String labelled = name + "-labelled";
        String dead = name + "-dead";
        String summaries = name + "-summaries";
        KAFKA.broker().createTopics(2, frames, labelled, dead, summaries);

        List<TestFrames.Photo> photos = TestFrames.photos();
        assertThat(photos).as("photos in %s", SharedData.images()).hasSize(14);
        Map<String, TestFrames.Photo> byKey = new HashMap<>();
        List<TestFrames.BadRecord> bad = new ArrayList<>();
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String stream : STREAMS) {
                long sequence = 0;
                for (TestFrames.Photo photo : photos) {
                    Frame frame = TestFrames.frame(stream, sequence, photo.encoding(), 0, 0, photo.bytes());
                    send(producer, frames, stream, sequence, codec.encode(frame));
                    byKey.put(stream + "/" + sequence, photo);
                    sequence++;
                }
                byte[] aJpeg = photos.stream().filter(p -> p.fileName().endsWith(".jpg")).findFirst().orElseThrow().bytes();
                for (TestFrames.BadRecord record : TestFrames.badRecords(stream, sequence, aJpeg, MAX_PIXELS)) {
                    // The Kafka timestamp is the event time of records that are not frames: without it
                    // (wall-clock now, years after these frames) they would push the watermark past
                    // the frames behind them, which would then miss their windows.
                    send(producer, frames, stream, record.sequence(), record.value());
                    bad.add(record);
                }
            }
            producer.flush();
        }

        JobArguments args = JobArguments.parse(new String[] {
                "--bootstrap-servers", KAFKA.broker().bootstrapServers(),
                "--frames-topic", frames, "--labelled-topic", labelled,
                "--dead-letter-topic", dead, "--summaries-topic", summaries,
                "--group-id", name, "--transactional-id-prefix", name,
                "--model", model.toString(),
                "--labels", SharedFixtures.labels().toString(),
                "--stop-at-latest",
                "--parallelism", "2",
                "--batch-size", "4",
                "--max-pixels", Long.toString(MAX_PIXELS),
                "--window-size", "200ms",
                "--checkpoint-interval", "1s",
        }, ClassificationJobOptions.class);
        ClassificationJob job = ClassificationJob.onKafka(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.build(env);
        env.execute(name); // bounded: returns when every frame is processed and the last transaction committed

        OutputTopicsReader out = new OutputTopicsReader(KAFKA.broker().bootstrapServers(), labelled, dead, summaries);
        int expected = STREAMS.size() * photos.size() + bad.size();
        out.pollUntil(r -> r.outcomes() >= expected && r.framesInWindows() >= expected, Duration.ofSeconds(60));
        out.drain(Duration.ofSeconds(2)); // anything more would be a duplicate
        return new Run(photos, byKey, bad, out, job.model());
    }

    @Test
    void everyFrameEndsExactlyOnceWithTheModelsOwnAnswer() throws Exception {
        Run run = runJob("bncal", SharedData.defaultModel());
        try (OutputTopicsReader out = run.out()) {
            // Every good frame exactly once.
            Map<String, Long> labelledCounts = out.labelled().stream()
                    .collect(Collectors.groupingBy(f -> f.getStreamId() + "/" + f.getSequence(), Collectors.counting()));
            assertThat(labelledCounts.keySet()).isEqualTo(run.photoByFrameKey().keySet());
            assertThat(labelledCounts.values()).allMatch(c -> c == 1L);

            // Its top-k equals what the same model gives when run directly on the photo.
            Map<String, List<Classification>> direct = directTopK(run.spec(), run.photos());
            for (LabelledFrame frame : out.labelled()) {
                TestFrames.Photo photo = run.photoByFrameKey().get(frame.getStreamId() + "/" + frame.getSequence());
                List<Classification> expected = direct.get(photo.fileName());
                assertThat(frame.getTopK()).as("top-k of %s", photo.fileName()).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(frame.getTopK().get(i).getClassIndex()).isEqualTo(expected.get(i).getClassIndex());
                    assertThat(frame.getTopK().get(i).getLabel()).isEqualTo(expected.get(i).getLabel());
                    assertThat(frame.getTopK().get(i).getScore())
                            .isCloseTo(expected.get(i).getScore(), org.assertj.core.data.Offset.offset(1e-4f));
                }
                assertThat(frame.getModel().getSha256()).isEqualTo(run.spec().identity().getSha256());
                assertThat(frame.getTimings().getBatchSize()).isBetween(1, 4);
            }

            // Every bad record exactly once, with the right reason.
            Map<String, DeadLetter> deadByKey = new HashMap<>();
            for (DeadLetter d : out.deadLetters()) {
                String key = d.getSourcePartition() + "@" + d.getSourceOffset();
                assertThat(deadByKey.put(key, d)).as("duplicate dead letter %s", key).isNull();
            }
            assertThat(out.deadLetters()).hasSize(run.bad().size());
            for (TestFrames.BadRecord bad : run.bad()) {
                List<DeadLetter> matching = out.deadLetters().stream()
                        .filter(d -> bad.streamId().equals(d.getStreamId()))
                        .filter(d -> java.util.Arrays.equals(bad.value(), d.getOriginalBytes().array()))
                        .toList();
                assertThat(matching).as(bad.description()).hasSize(1);
                assertThat(matching.get(0).getReason()).as(bad.description()).isEqualTo(bad.expected());
                assertThat(matching.get(0).getMessage()).as(bad.description()).isNotBlank();
            }

            // Window summaries add up to what was sent, per stream.
            for (String stream : STREAMS) {
                List<WindowSummary> windows = out.summaries().stream()
                        .filter(w -> w.getStreamId().equals(stream)).toList();
                long sent = run.photos().size() + run.bad().stream().filter(b -> b.streamId().equals(stream)).count();
                assertThat(windows.stream().mapToLong(WindowSummary::getFramesIn).sum()).as(stream).isEqualTo(sent);
                assertThat(windows.stream().mapToLong(WindowSummary::getFramesLabelled).sum())
                        .isEqualTo(run.photos().size());
                assertThat(windows).allSatisfy(w -> assertThat(w.getFramesIn())
                        .isEqualTo(w.getFramesLabelled() + w.getFramesDeadLettered()));
                Set<Long> starts = windows.stream().map(w -> w.getWindowStart().toEpochMilli()).collect(Collectors.toSet());
                assertThat(starts).as("one summary per window").hasSize(windows.size());
            }
        }
    }

    @Test
    void thePretrainedStandInFindsAnAcceptableClassInItsTopFive() throws Exception {
        Path squeezeNet = SharedData.models().resolve(SharedData.PRETRAINED_STAND_IN_FILE);
        Run run = runJob("squeezenet", squeezeNet);
        Map<String, Set<Integer>> acceptable = acceptableClasses();
        // Only photos where the stand-in gets it right in PyTorch (its reference top-5 holds an
        // acceptable class) are asserted: the pipeline must not lose what the model knows.
        Set<String> rightInPyTorch = rightInReference(acceptable);
        assertThat(rightInPyTorch).as("photos the stand-in gets right in PyTorch").hasSizeGreaterThanOrEqualTo(10);
        try (OutputTopicsReader out = run.out()) {
            assertThat(out.labelled()).hasSize(STREAMS.size() * run.photos().size());
            int checked = 0;
            for (LabelledFrame frame : out.labelled()) {
                TestFrames.Photo photo = run.photoByFrameKey().get(frame.getStreamId() + "/" + frame.getSequence());
                if (!rightInPyTorch.contains(photo.fileName())) {
                    continue;
                }
                Set<Integer> top5 = frame.getTopK().stream().map(Classification::getClassIndex).collect(Collectors.toSet());
                assertThat(top5).as("top-5 of %s", photo.fileName()).containsAnyElementsOf(acceptable.get(photo.fileName()));
                checked++;
            }
            assertThat(checked).isEqualTo(STREAMS.size() * rightInPyTorch.size());
        }
    }

    private static Map<String, List<Classification>> directTopK(ModelSpec spec, List<TestFrames.Photo> photos)
            throws Exception {
        Map<String, List<Classification>> topK = new HashMap<>();
        try (DirectClassifier direct = new DirectClassifier(spec, MAX_PIXELS)) {
            for (TestFrames.Photo photo : photos) {
                topK.put(photo.fileName(), direct.topK(photo.encoding(), photo.bytes()));
            }
        }
        return topK;
    }

    /** Photos whose PyTorch top-5 (reference/squeezenet1_1_top5_pytorch.json) holds an acceptable class. */
    private static Set<String> rightInReference(Map<String, Set<Integer>> acceptable) throws Exception {
        JsonNode top5 = new ObjectMapper()
                .readTree(SharedFixtures.model("reference/squeezenet1_1_top5_pytorch.json").toFile())
                .get("top5_softmax_of_scores");
        Set<String> right = new java.util.HashSet<>();
        top5.fields().forEachRemaining(entry -> {
            Set<Integer> classes = acceptable.getOrDefault(entry.getKey(), Set.of());
            for (JsonNode row : entry.getValue()) {
                if (classes.contains(row.get(0).asInt())) {
                    right.add(entry.getKey());
                }
            }
        });
        return right;
    }

    /** labels.tsv: file name → acceptable ImageNet class indices ("151-268" ranges included). */
    private static Map<String, Set<Integer>> acceptableClasses() throws Exception {
        Map<String, Set<Integer>> out = new HashMap<>();
        for (String line : Files.readAllLines(SharedFixtures.require(SharedData.images().resolve("labels.tsv")), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t");
            Set<Integer> classes = new java.util.HashSet<>();
            if (cols.length < 3) {
                continue;
            }
            // Entries are "index:name" or "from-to:name" (e.g. 151-268:any dog); anything else is prose.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:-(\\d+))?:").matcher(cols[2]);
            while (m.find()) {
                int from = Integer.parseInt(m.group(1));
                int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
                for (int i = from; i <= to; i++) {
                    classes.add(i);
                }
            }
            if (classes.isEmpty()) {
                continue;
            }
            out.put(cols[0], classes);
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends one record and waits for the broker's acknowledgement. A send whose future nobody reads
     * fails silently: a record that once timed out in the producer went missing (the run took two
     * minutes longer, the producer's delivery timeout), and the test then blamed the job for it.
     */
    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, long sequence,
                             byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, null, TestFrames.captureMillis(sequence),
                    key.getBytes(StandardCharsets.UTF_8), value)).get(150, TimeUnit.SECONDS); // past delivery.timeout.ms (120 s): the producer's own error wins
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + key + "/" + sequence, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the test could not publish " + key + "/" + sequence + " to " + topic
                    + " (a broker problem, not the job's): " + e, e);
        }
    }
}
