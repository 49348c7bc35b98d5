package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.job.kafka.KafkaPreflight;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.tests.badinput.JpegSurgery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo-looping bug: a frame of just under the job's record size whose JPEG header declares
 * 65000x65000 pixels is refused as TOO_MANY_PIXELS; its dead letter (original bytes + the rest) was
 * larger than the dead-letter producer's max.request.size, so RecordTooLargeException failed the
 * task, the job restarted from its checkpoint, read the same record and failed again, forever. Now
 * the dead letter carries a truncated prefix, says so, and the job finishes.
 */
class OversizedDeadLetterITCase {
    private static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    @Test
    void aFrameWhoseDeadLetterWouldBeTooLargeIsDeadLetteredTruncatedAndTheJobFinishes() throws Exception {
        SharedFixtures.require(SharedData.defaultModel());
        SharedFixtures.images();
        List<TestFrames.Photo> jpegs = TestFrames.photos().stream()
                .filter(p -> p.encoding() == FrameEncoding.JPEG).limit(4).toList();
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        byte[] huge = JpegSurgery.withDeclaredSize(jpegs.get(0).bytes(), 65000, 65000);
        // The whole Frame record just under the job's record size: it is read, its dead letter would not fit.
        byte[] oversized = null;
        for (int payload = MAX_FRAME_BYTES - 64; oversized == null || oversized.length > MAX_FRAME_BYTES - 16; payload -= 64) {
            oversized = codec.encode(TestFrames.frame("cam-x", 2, FrameEncoding.JPEG, 0, 0,
                    JpegSurgery.paddedTo(huge, payload)));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "frames", "labelled", "dead", "summaries");
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                long sequence = 0;
                for (TestFrames.Photo photo : jpegs) {
                    if (sequence == 2) {
                        send(producer, sequence++, oversized);
                    }
                    send(producer, sequence, codec.encode(TestFrames.frame("cam-x", sequence, photo.encoding(), 0, 0,
                            photo.bytes())));
                    sequence++;
                }
                producer.flush();
            }

            ClassificationJob job = ClassificationJob.onKafka(JobArguments.parse(new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--labelled-topic", "labelled", "--dead-letter-topic", "dead", "--summaries-topic", "summaries",
                    "--group-id", "oversized", "--transactional-id-prefix", "oversized",
                    "--model", SharedData.defaultModel().toString(), "--stop-at-latest",
                    "--max-frame-bytes", Integer.toString(MAX_FRAME_BYTES),
                    "--window-size", "200ms", "--checkpoint-interval", "1s",
            }, ClassificationJobOptions.class));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            JobClient client = job.executeAsync(env);
            try {
                client.getJobExecutionResult().get(90, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                JobStatus status = client.getJobStatus().get();
                client.cancel().get();
                throw new AssertionError("the job did not finish within 90 s (status " + status
                        + "): a dead letter it cannot write makes it restart forever", e);
            }

            try (OutputTopicsReader out = new OutputTopicsReader(kafka.bootstrapServers(), "labelled", "dead",
                    "summaries")) {
                int sent = jpegs.size() + 1;
                out.pollUntil(r -> r.outcomes() >= sent, Duration.ofSeconds(30));
                out.drain(Duration.ofSeconds(1));
                assertThat(out.labelled()).hasSize(jpegs.size());
                assertThat(out.deadLetters()).hasSize(1);
                DeadLetter dead = out.deadLetters().get(0);
                assertThat(dead.getReason()).isEqualTo(ReasonCode.TOO_MANY_PIXELS);
                assertThat(dead.getSourceTopic()).isEqualTo("frames");
                assertThat(dead.getSourcePartition()).isZero();
                assertThat(dead.getSourceOffset()).isEqualTo(2L);
                assertThat(dead.getTruncated()).isTrue();
                assertThat(dead.getOriginalSize()).isEqualTo(oversized.length);
                byte[] prefix = new byte[dead.getOriginalBytes().remaining()];
                dead.getOriginalBytes().duplicate().get(prefix);
                assertThat(prefix.length).isPositive().isLessThan(oversized.length);
                assertThat(prefix).isEqualTo(Arrays.copyOf(oversized, prefix.length));
            }
        }
    }

    @Test
    void thePreflightRefusesADeadLetterTopicThatCannotTakeTheLargestDeadLetter() throws Exception {
        SharedFixtures.require(SharedData.defaultModel());
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic("small-dead", 1, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(1024 * 1024))))).all().get();
            kafka.createTopics(1, "frames", "labelled", "summaries");
            String[] args = {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                    "--labelled-topic", "labelled", "--dead-letter-topic", "small-dead", "--summaries-topic", "summaries",
                    "--group-id", "preflight", "--transactional-id-prefix", "preflight",
                    "--model", SharedData.defaultModel().toString(),
            };
            assertThatThrownBy(() -> ClassificationJob.onKafka(JobArguments.parse(args, ClassificationJobOptions.class)))
                    .isInstanceOf(KafkaPreflight.PreflightException.class)
                    .hasMessageContaining("topic 'small-dead' takes records up to 1048576 bytes (max.message.bytes)")
                    .hasMessageContaining("max.message.bytes=" + MAX_FRAME_BYTES)
                    .hasMessageContaining("--max-frame-bytes");

            // What the message says to do is enough: with the topic raised, the same settings pass.
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "small-dead"),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", Integer.toString(MAX_FRAME_BYTES)),
                            AlterConfigOp.OpType.SET)))).all().get();
            assertThat(ClassificationJob.onKafka(JobArguments.parse(args, ClassificationJobOptions.class))).isNotNull();
            // And a dead-letter budget that could not fit the request size is refused before anything runs.
            String[] tooBig = java.util.Arrays.copyOf(args, args.length + 2);
            tooBig[args.length] = "--dead-letter-max-bytes";
            tooBig[args.length + 1] = Integer.toString(MAX_FRAME_BYTES);
            assertThatThrownBy(() -> ClassificationJob.onKafka(JobArguments.parse(tooBig, ClassificationJobOptions.class)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--dead-letter-max-bytes");
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, long sequence, byte[] value) {
        producer.send(new ProducerRecord<>("frames", 0, TestFrames.captureMillis(sequence),
                "cam-x".getBytes(StandardCharsets.UTF_8), value));
    }
}
