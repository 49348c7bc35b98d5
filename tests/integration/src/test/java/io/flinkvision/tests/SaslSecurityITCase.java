package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.publisher.EncodedFrame;
import io.flinkvision.publisher.FrameSource;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker whose only client listener requires SASL/PLAIN, run through its command
 * line ({@link ClassificationJob#run}) with the credentials in a {@code --config} file (never on the
 * command line): with the right password every frame is labelled by the real model; with a wrong one it
 * stops at once with an authentication error; and neither password appears anywhere in what the JVM logs
 * (INFO and above, DEBUG for the job and Kafka's security code) or in what the command line prints.
 */
class SaslSecurityITCase {
    private static final String USER = "vision-job";
    private static final int FRAMES = 6;
    /** Without ../shared: the generated EfficientNet-B0 on synthetic frames of this size. */
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    @TempDir
    Path dir;

    @Test
    void labelsWithTheRightCredentialsFailsFastWithWrongOnesAndNeverLogsThem() throws Exception {
        String password = secret();
        String wrongPassword = secret();
        Path model = SharedData.isPresent() ? SharedData.defaultModel()
                : OfflineFallbackModel.ensure(dir.resolve(OfflineFallbackModel.FILE_NAME));
        List<byte[]> images = images();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (CapturedProcessLogs logs = CapturedProcessLogs.start("io.flinkvision", "org.apache.kafka.common.security",
                "org.apache.flink.connector.kafka");
                EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlainUser(USER, password).start();
                PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            kafka.createTopics(1, "frames", "labelled", "dead", "summaries");
            publish(kafka.clientProperties(USER), images);

            // Wrong password: the preflight's admin client is refused at once (authentication errors are
            // not retried), the command line says so and exits 1 before anything is submitted.
            Path wrong = credentials("wrong.properties", kafka, wrongPassword);
            long start = System.nanoTime();
            int exit = ClassificationJob.run(args(kafka, model, wrong, "--group-id", "wrong"), out, out, job -> {
                throw new AssertionError("a job with wrong credentials was launched");
            });
            Duration refusedAfter = Duration.ofNanos(System.nanoTime() - start);
            String refusal = printed.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(refusal).isEqualTo(1);
            assertThat(refusal).contains("refused the job's credentials", "authentication failed",
                    "kafka.sasl.jaas.config");
            assertThat(refusedAfter).as("refused at once, not after a timeout").isLessThan(Duration.ofSeconds(15));

            // Without the preflight the job itself is refused: it fails (no restarts) with the
            // authentication error as a cause, rather than hanging.
            ClassificationJob unchecked = ClassificationJob.onKafka(io.flinkvision.job.config.JobArguments.parse(
                    args(kafka, model, wrong, "--group-id", "unchecked", "--preflight", "false",
                            "--restart-strategy", "none"), io.flinkvision.job.config.ClassificationJobOptions.class,
                    Map.of()));
            StreamExecutionEnvironment refusedEnv = StreamExecutionEnvironment.getExecutionEnvironment();
            unchecked.build(refusedEnv);
            start = System.nanoTime();
            assertThatThrownBy(() -> refusedEnv.execute("wrong credentials"))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

            // --help prints the settings, never what --config holds.
            assertThat(ClassificationJob.run(new String[] {"--config", wrong.toString(), "--help"}, out, out,
                    job -> {})).isZero();

            // The right password: every frame labelled once, with the model's own answer.
            Path right = credentials("right.properties", kafka, password);
            exit = ClassificationJob.run(args(kafka, model, right, "--group-id", "right"), out, out, job -> {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                job.build(env);
                env.execute("sasl"); // bounded by --stop-at-latest
                try (OutputTopicsReader results = new OutputTopicsReader(kafka.clientProperties(USER), "labelled",
                        "dead", "summaries")) {
                    results.pollUntil(r -> r.outcomes() >= FRAMES, Duration.ofSeconds(30));
                    results.drain(Duration.ofSeconds(1));
                    assertThat(results.deadLetters()).isEmpty();
                    Map<Long, Long> perFrame = results.labelled().stream()
                            .collect(Collectors.groupingBy(LabelledFrame::getSequence, Collectors.counting()));
                    assertThat(perFrame).hasSize(FRAMES).allSatisfy((sequence, n) -> assertThat(n).isEqualTo(1));
                    try (DirectClassifier direct = new DirectClassifier(job.model(), 40_000_000L)) {
                        for (LabelledFrame frame : results.labelled()) {
                            List<Classification> expected =
                                    direct.topK(FrameEncoding.JPEG, images.get((int) frame.getSequence()));
                            assertThat(frame.getTopK().get(0).getClassIndex()).as("top-1 of frame %d", frame.getSequence())
                                    .isEqualTo(expected.get(0).getClassIndex());
                        }
                    }
                }
            });
            assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();

            String everything = logs.text() + printed.toString(StandardCharsets.UTF_8);
            // The capture saw the Kafka clients print their configurations, which is where a secret would show.
            assertThat(logs.text()).as("captured %d log events", logs.events())
                    .contains("ConsumerConfig values", "ProducerConfig values", "sasl.jaas.config = [hidden]");
            assertThat(everything).as("the right password in the log or output").doesNotContain(password);
            assertThat(everything).as("the wrong password in the log or output").doesNotContain(wrongPassword);
        }
    }

    /** The job's command line: everything but the credentials, which are in {@code config}. */
    private static String[] args(EmbeddedKafka kafka, Path model, Path config, String... more) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--frames-topic", "frames",
                "--labelled-topic", "labelled", "--dead-letter-topic", "dead", "--summaries-topic", "summaries",
                "--model", model.toString(), "--stop-at-latest", "--window-size", "1s", "--checkpoint-interval", "1s"));
        args.addAll(List.of(more));
        args.addAll(List.of("--transactional-id-prefix", more.length > 1 ? more[1] : "sasl"));
        return args.toArray(String[]::new);
    }

    /** A properties file only its owner can read, with the job's SASL settings for {@code password}. */
    private Path credentials(String name, EmbeddedKafka kafka, String password) throws Exception {
        Properties client = kafka.clientProperties(USER);
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
        Path file = Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        // Java properties escaping: the JAAS line's quotes and '=' are fine, backslashes would not be.
        Files.writeString(file, "kafka.security.protocol=" + client.getProperty("security.protocol") + "\n"
                + "kafka.sasl.mechanism=" + client.getProperty("sasl.mechanism") + "\n"
                + "kafka.sasl.jaas.config=" + jaas + "\n");
        return file;
    }

    private static void publish(Properties client, List<byte[]> images) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < images.size(); i++) {
                Frame frame = TestFrames.frame("cam", i, FrameEncoding.JPEG, 0, 0, images.get(i));
                producer.send(new ProducerRecord<>("frames", null, TestFrames.captureMillis(i),
                        "cam".getBytes(StandardCharsets.UTF_8), codec.encode(frame)));
            }
            producer.flush();
        }
    }

    /** The first JPEG photos of ../shared/images, else synthetic JPEG frames. */
    private static List<byte[]> images() throws Exception {
        if (SharedData.isPresent()) {
            List<byte[]> jpegs = TestFrames.photos().stream().filter(p -> p.encoding() == FrameEncoding.JPEG)
                    .limit(FRAMES).map(TestFrames.Photo::bytes).toList();
            assertThat(jpegs).hasSize(FRAMES);
            return jpegs;
        }
        List<byte[]> out = new ArrayList<>();
        try (FrameSource.FrameReader reader = new SyntheticSource(WIDTH, HEIGHT, 5, FRAMES, 0.9f).open()) {
            for (EncodedFrame f = reader.next(); f != null; f = reader.next()) {
                out.add(f.payload());
            }
        }
        return out;
    }

    private static String secret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return "pw" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
