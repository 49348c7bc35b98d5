package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.publisher.EncodedFrame;
import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.FrameSource;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without ../shared, what the demo falls back to: the whole job on the generated EfficientNet-B0
 * (seeded weights, no labels file), Kafka to Kafka, each frame labelled once with the model's own answer.
 */
class OfflineFallbackITCase {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES_PER_STREAM = 12;
    private static final long SEED = 11;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    @TempDir
    Path noShared;

    @Test
    void labelsEveryFrameWithTheGeneratedModelsOwnAnswer() throws Exception {
        Path model = OfflineFallbackModel.ensure(noShared.resolve(OfflineFallbackModel.FILE_NAME));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "frames", "labelled", "dead", "summaries");
            FramePublisher.builder().bootstrapServers(kafka.bootstrapServers()).topic("frames")
                    .source(source()).streams(2).fps(0).framesPerStream(FRAMES_PER_STREAM).build().run();

            ClassificationJob job = ClassificationJob.onKafka(JobArguments.parse(new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--labelled-topic", "labelled", "--dead-letter-topic", "dead", "--summaries-topic", "summaries",
                    "--model", model.toString(), "--stop-at-latest", "--window-size", "200ms", "--checkpoint-interval", "1s",
                    "--job-name", "offline-fallback",
            }, ClassificationJobOptions.class));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            job.build(env);
            env.execute("offline fallback");

            try (OutputTopicsReader out = new OutputTopicsReader(kafka.bootstrapServers(), "labelled", "dead",
                    "summaries")) {
                long sent = 2L * FRAMES_PER_STREAM;
                out.pollUntil(r -> r.outcomes() >= sent && r.framesInWindows() >= sent, Duration.ofSeconds(60));
                out.drain(Duration.ofSeconds(2));

                assertThat(out.deadLetters()).isEmpty();
                Map<String, Long> counts = out.labelled().stream().collect(Collectors.groupingBy(
                        f -> f.getStreamId() + "/" + f.getSequence(), Collectors.counting()));
                assertThat(counts).hasSize((int) sent).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
                assertThat(out.summaries().stream().mapToLong(WindowSummary::getFramesLabelled).sum()).isEqualTo(sent);

                List<byte[]> jpegs = jpegs();
                try (DirectClassifier direct = new DirectClassifier(job.model(), (long) WIDTH * HEIGHT)) {
                    for (LabelledFrame frame : out.labelled()) {
                        List<Classification> expected =
                                direct.topK(FrameEncoding.JPEG, jpegs.get((int) frame.getSequence()));
                        assertThat(frame.getModel().getName()).isEqualTo("efficientnet_b0_generated_seed0");
                        assertThat(frame.getTopK()).extracting(Classification::getClassIndex)
                                .as("top-k of frame %d", frame.getSequence())
                                .containsExactlyElementsOf(expected.stream().map(Classification::getClassIndex).toList());
                        assertThat(frame.getTopK().get(0).getLabel()).as("no labels file: class names")
                                .isEqualTo("class_" + expected.get(0).getClassIndex());
                    }
                }
            }
        }
    }

    private static FrameSource source() {
        return new SyntheticSource(WIDTH, HEIGHT, SEED, FRAMES_PER_STREAM, 0.9f);
    }

    /** The synthetic frames again, in order: frame {@code i} of each stream has sequence {@code i}. */
    private static List<byte[]> jpegs() throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (FrameSource.FrameReader reader = source().open()) {
            for (EncodedFrame f = reader.next(); f != null; f = reader.next()) {
                out.add(f.payload());
            }
        }
        return out;
    }
}
