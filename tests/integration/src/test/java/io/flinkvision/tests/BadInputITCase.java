package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.tests.badinput.BadInputCorpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input {@link BadInputCorpus} makes from the shared photos, through the real job
 * (real KRaft broker, Flink MiniCluster, ONNX Runtime): each record ends as exactly one labelled
 * frame or one dead letter, with the outcome its kind must get, and the totals reconcile per reason.
 * The measured outcome of each kind is written to {@code target/bad-input-outcomes.txt}.
 */
class BadInputITCase {
    private static final int MAX_FRAME_BYTES = 2 * 1024 * 1024;
    private static final Duration MAX_FRAME_AGE = Duration.ofDays(1);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    @TempDir
    Path temp;

    @Test
    void everyKindOfBadInputEndsOnceWithItsOutcome() throws Exception {
        SharedFixtures.require(SharedData.defaultModel());
        SharedFixtures.images();
        List<TestFrames.Photo> photos = TestFrames.photos();
        byte[] jpeg = photos.stream().filter(p -> p.encoding() == FrameEncoding.JPEG).findFirst().orElseThrow().bytes();
        byte[] png = photos.stream().filter(p -> p.encoding() == FrameEncoding.PNG).findFirst().orElseThrow().bytes();
        long now = System.currentTimeMillis();
        List<BadInputCorpus.Kind> kinds = BadInputCorpus.build(jpeg, png,
                new BadInputCorpus.Limits(MAX_FRAME_BYTES, 40_000_000L, now, MAX_FRAME_AGE.toMillis()));
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(30);
        Path evolved = Files.writeString(temp.resolve("frame-v2.avsc"), BadInputCorpus.evolvedFrameSchema().toString(true));

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "frames", "labelled", "dead", "summaries");
            Map<Long, BadInputCorpus.Kind> byOffset = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                for (BadInputCorpus.Kind kind : kinds) {
                    RecordMetadata sent = producer.send(new ProducerRecord<>("frames", 0, kind.kafkaTimestamp(),
                            kind.key().getBytes(StandardCharsets.UTF_8), kind.value())).get();
                    byOffset.put(sent.offset(), kind);
                }
            }

            ClassificationJob job = ClassificationJob.onKafka(JobArguments.parse(new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--labelled-topic", "labelled", "--dead-letter-topic", "dead", "--summaries-topic", "summaries",
                    "--job-name", "bad-input", "--model", SharedData.defaultModel().toString(), "--stop-at-latest",
                    "--max-frame-bytes", Integer.toString(MAX_FRAME_BYTES), "--max-frame-age", "1d",
                    "--writer-schemas", evolved.toString(),
                    "--window-size", "1s", "--checkpoint-interval", "1s", "--batch-size", "4",
            }, ClassificationJobOptions.class));
            JobClient client = job.executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
            client.getJobExecutionResult().get(100, TimeUnit.SECONDS);

            try (OutputTopicsReader out = new OutputTopicsReader(kafka.bootstrapServers(), "labelled", "dead", "summaries")) {
                out.pollUntil(r -> r.outcomes() >= kinds.size() && r.framesInWindows() >= kinds.size(),
                        Duration.ofSeconds(30));
                out.drain(Duration.ofSeconds(1));
                reconcile(byOffset, out);
            }
        }
    }

    private void reconcile(Map<Long, BadInputCorpus.Kind> byOffset, OutputTopicsReader out) throws Exception {
        Map<Long, List<String>> outcomes = new TreeMap<>();
        for (LabelledFrame f : out.labelled()) {
            outcomes.computeIfAbsent(f.getSourceOffset(), o -> new ArrayList<>()).add("LABELLED");
        }
        Map<Long, DeadLetter> deadByOffset = new HashMap<>();
        for (DeadLetter d : out.deadLetters()) {
            outcomes.computeIfAbsent(d.getSourceOffset(), o -> new ArrayList<>()).add(d.getReason().toString());
            deadByOffset.put(d.getSourceOffset(), d);
        }
        StringBuilder table = new StringBuilder(String.format("%-74s %-24s %s%n", "kind", "expected", "measured"));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Long, BadInputCorpus.Kind> e : new TreeMap<>(byOffset).entrySet()) {
            BadInputCorpus.Kind kind = e.getValue();
            String expected = kind.labelled() ? "LABELLED" : kind.reason().toString();
            List<String> measured = outcomes.getOrDefault(e.getKey(), List.of());
            String measuredText = measured.isEmpty() ? "(nothing)" : String.join("+", measured);
            table.append(String.format("%-74s %-24s %s%n", kind.name(), expected, measuredText));
            if (!measured.equals(List.of(expected))) {
                wrong.add(kind.name() + ": expected " + expected + ", got " + measuredText);
            }
        }
        Files.writeString(Path.of("target", "bad-input-outcomes.txt"), table);
        System.out.println(table);
        assertThat(wrong).as("kinds whose outcome is not the expected one:%n%s", table).isEmpty();
        assertThat(outcomes.keySet()).as("outcomes of records never sent").isSubsetOf(byOffset.keySet());

        // Reconciled: frames in = labelled + dead-lettered, and per reason.
        assertThat(out.labelled().size() + out.deadLetters().size()).isEqualTo(byOffset.size());
        Map<String, Long> expectedPerReason = byOffset.values().stream().collect(Collectors.groupingBy(
                k -> k.labelled() ? "LABELLED" : k.reason().toString(), TreeMap::new, Collectors.counting()));
        Map<String, Long> measuredPerReason = outcomes.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        assertThat(measuredPerReason).isEqualTo(expectedPerReason);
        assertThat(out.summaries().stream().mapToLong(WindowSummary::getFramesIn).sum()).isEqualTo(byOffset.size());
        assertThat(out.summaries().stream().mapToLong(WindowSummary::getFramesDeadLettered).sum())
                .isEqualTo(out.deadLetters().size());

        // Dead letters that did not fit carry a prefix, say so, and point at the original.
        for (Map.Entry<Long, DeadLetter> e : deadByOffset.entrySet()) {
            BadInputCorpus.Kind kind = byOffset.get(e.getKey());
            DeadLetter dead = e.getValue();
            int length = kind.value() == null ? 0 : kind.value().length;
            assertThat(dead.getOriginalSize()).as(kind.name()).isEqualTo(length);
            assertThat(dead.getTruncated()).as(kind.name()).isEqualTo(length > MAX_FRAME_BYTES - 64 * 1024);
            assertThat(dead.getSourceTopic()).isEqualTo("frames");
            assertThat(dead.getMessage()).as(kind.name()).isNotBlank();
            if (kind.reason() == ReasonCode.INVALID_TIMESTAMP || kind.reason() == ReasonCode.NOT_A_FRAME
                    || kind.reason() == ReasonCode.UNKNOWN_SCHEMA || kind.reason() == ReasonCode.TOO_LARGE) {
                // Refused before decoding: the prefix is the record value as read.
                byte[] prefix = new byte[dead.getOriginalBytes().remaining()];
                dead.getOriginalBytes().duplicate().get(prefix);
                assertThat(prefix).as(kind.name()).isEqualTo(java.util.Arrays.copyOf(
                        Objects.requireNonNullElse(kind.value(), new byte[0]), prefix.length));
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
