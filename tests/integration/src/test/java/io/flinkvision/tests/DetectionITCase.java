package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flinkvision.core.detection.ObjectDetector;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePlacement;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.core.pipeline.SecondaryClassifier;
import io.flinkvision.core.pipeline.SecondarySettings;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Detection;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.ObjectCount;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.testkit.EmbeddedKafkaExtension;
import io.flinkvision.testkit.ExpectedDetections;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.testkit.SharedFixtures;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Detection end to end: the shared photos as JPEG frames through the job (real KRaft broker, Flink
 * MiniCluster) with the pretrained YOLOX-nano stand-in; each frame's boxes must equal the same
 * decode + preprocessing + ONNX Runtime + decoder run directly on the photo, the objects that
 * {@code images/detections.tsv} lists must be found, and the window summaries' per-class counts must
 * add up to the boxes emitted. A second run adds the secondary classifier (pretrained SqueezeNet).
 */
class DetectionITCase {
    private static final List<String> STREAMS = List.of("cam-a", "cam-b");
    private static final long MAX_PIXELS = 20_000_000L;
    private static final float SECONDARY_MIN_SCORE = 0.5f;
    private static final int SECONDARY_MAX_BOXES = 3;
    private static final int SECONDARY_TOP_K = 3;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /** A photo re-encoded as the JPEG a camera would send. */
    private record JpegPhoto(String fileName, byte[] jpeg) {}

    private record Run(List<JpegPhoto> photos, Map<String, JpegPhoto> byFrameKey, OutputTopicsReader out) {}

    @Test
    void detectedBoxesEqualTheDirectRunAndTheWindowsCountThem() throws Exception {
        Path detector = SharedFixtures.detectorStandIn();
        Run run = runJob("detect", "--task", "detect");
        try (OutputTopicsReader out = run.out()) {
            assertEveryFrameLabelledOnce(run);
            Map<String, List<Detection>> direct = directDetections(run.photos(), null);

            int boxes = 0;
            for (LabelledFrame frame : out.labelled()) {
                JpegPhoto photo = run.byFrameKey().get(key(frame));
                assertSameDetections(frame.getDetections(), direct.get(photo.fileName()), photo.fileName());
                assertThat(frame.getTopK()).as("a detector's frame has no top-k").isEmpty();
                assertThat(frame.getDetections()).allSatisfy(d -> assertThat(d.getSecondaryTopK()).isEmpty());
                assertThat(frame.getModel().getName()).isEqualTo(
                        detector.getFileName().toString().replace(".onnx", ""));
                boxes += frame.getDetections().size();
            }
            assertThat(boxes).as("boxes found in %s photos", run.photos().size()).isGreaterThan(10);

            // The objects detections.tsv lists are found, on every stream.
            Map<String, List<String>> expected = ExpectedDetections.read(SharedFixtures.expectedDetections());
            assertThat(expected).hasSizeGreaterThanOrEqualTo(6);
            for (LabelledFrame frame : out.labelled()) {
                List<String> must = expected.get(run.byFrameKey().get(key(frame)).fileName());
                if (must != null) {
                    List<String> confident = frame.getDetections().stream()
                            .filter(d -> d.getScore() >= ExpectedDetections.MIN_SCORE).map(Detection::getLabel).toList();
                    assertThat(confident).as("%s: %s", key(frame), frame.getDetections()).containsAll(must);
                }
            }

            // Per stream and class, the windows count exactly the boxes emitted.
            for (String stream : STREAMS) {
                Map<String, Long> emitted = out.labelled().stream().filter(f -> f.getStreamId().equals(stream))
                        .flatMap(f -> f.getDetections().stream())
                        .collect(Collectors.groupingBy(Detection::getLabel, TreeMap::new, Collectors.counting()));
                List<WindowSummary> windows = out.summaries().stream().filter(w -> w.getStreamId().equals(stream)).toList();
                Map<String, Long> counted = windows.stream().flatMap(w -> w.getObjects().stream())
                        .collect(Collectors.groupingBy(ObjectCount::getLabel, TreeMap::new,
                                Collectors.summingLong(ObjectCount::getDetections)));
                assertThat(counted).as(stream).isEqualTo(emitted);
                assertThat(windows.stream().mapToLong(WindowSummary::getFramesLabelled).sum())
                        .isEqualTo(run.photos().size());
                for (WindowSummary w : windows) {
                    for (ObjectCount c : w.getObjects()) {
                        assertThat(c.getFrames()).isBetween(1L, w.getFramesLabelled());
                        assertThat((long) c.getMaxPerFrame()).isBetween(1L, c.getDetections());
                        assertThat(c.getMeanPerFrame())
                                .isCloseTo((double) c.getDetections() / w.getFramesLabelled(), within(1e-9));
                    }
                }
            }
        }
    }

    @Test
    void detectThenClassifyPutsTheClassifiersLabelsOnTheBoxes() throws Exception {
        Path classifier = SharedData.models().resolve(SharedData.PRETRAINED_STAND_IN_FILE);
        SharedFixtures.require(classifier);
        Run run = runJob("detect-classify", "--task", "detect+classify",
                "--secondary-model", classifier.toString(),
                "--secondary-labels", SharedFixtures.labels().toString(),
                "--secondary-top-k", Integer.toString(SECONDARY_TOP_K),
                "--secondary-min-score", Float.toString(SECONDARY_MIN_SCORE),
                "--secondary-max-boxes", Integer.toString(SECONDARY_MAX_BOXES));
        try (OutputTopicsReader out = run.out()) {
            assertEveryFrameLabelledOnce(run);
            Map<String, List<Detection>> direct = directDetections(run.photos(), classifier);
            int classified = 0;
            for (LabelledFrame frame : out.labelled()) {
                JpegPhoto photo = run.byFrameKey().get(key(frame));
                List<Detection> expected = direct.get(photo.fileName());
                assertSameDetections(frame.getDetections(), expected, photo.fileName());
                int eligible = 0;
                for (int i = 0; i < frame.getDetections().size(); i++) {
                    Detection d = frame.getDetections().get(i);
                    boolean chosen = d.getScore() >= SECONDARY_MIN_SCORE && eligible < SECONDARY_MAX_BOXES;
                    if (d.getScore() >= SECONDARY_MIN_SCORE) {
                        eligible++;
                    }
                    if (!chosen) {
                        assertThat(d.getSecondaryTopK()).as("%s box %d: not chosen", photo.fileName(), i).isEmpty();
                        continue;
                    }
                    List<Classification> got = d.getSecondaryTopK();
                    List<Classification> want = expected.get(i).getSecondaryTopK();
                    assertThat(got).as("%s box %d", photo.fileName(), i).hasSize(SECONDARY_TOP_K);
                    for (int k = 0; k < SECONDARY_TOP_K; k++) {
                        assertThat(got.get(k).getClassIndex()).isEqualTo(want.get(k).getClassIndex());
                        assertThat(got.get(k).getLabel()).isEqualTo(want.get(k).getLabel());
                        assertThat(got.get(k).getScore()).isCloseTo(want.get(k).getScore(), within(1e-4f));
                    }
                    classified++;
                }
            }
            assertThat(classified).as("boxes the secondary classifier labelled").isGreaterThan(10);
            // Grace Hopper's portrait: the person box is classified with ImageNet labels.
            LabelledFrame hopper = out.labelled().stream()
                    .filter(f -> run.byFrameKey().get(key(f)).fileName().equals("grace_hopper_uniform.jpg"))
                    .findFirst().orElseThrow();
            Detection person = hopper.getDetections().stream().filter(d -> d.getLabel().equals("person"))
                    .findFirst().orElseThrow();
            assertThat(person.getSecondaryTopK()).isNotEmpty();
            assertThat(SharedFixtures.labels()).content().contains(person.getSecondaryTopK().get(0).getLabel());
        }
    }

    private Run runJob(String name, String... taskArgs) throws Exception {
        Path detector = SharedFixtures.detectorStandIn();
        SharedFixtures.images();
        String frames = name + "-frames";
        String labelled = name + "-labelled";
        String dead = name + "-dead";
        String summaries = name + "-summaries";
        KAFKA.broker().createTopics(2, frames, labelled, dead, summaries);

        List<JpegPhoto> photos = new ArrayList<>();
        for (TestFrames.Photo photo : TestFrames.photos()) {
            photos.add(new JpegPhoto(photo.fileName(), jpeg(photo.bytes())));
        }
        assertThat(photos).hasSizeGreaterThanOrEqualTo(14);
        Map<String, JpegPhoto> byKey = new HashMap<>();
        AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String stream : STREAMS) {
                long sequence = 0;
                for (JpegPhoto photo : photos) {
                    Frame frame = TestFrames.frame(stream, sequence, FrameEncoding.JPEG, 0, 0, photo.jpeg());
                    producer.send(new ProducerRecord<>(frames, null, TestFrames.captureMillis(sequence),
                            stream.getBytes(StandardCharsets.UTF_8), codec.encode(frame)));
                    byKey.put(stream + "/" + sequence, photo);
                    sequence++;
                }
            }
            producer.flush();
        }

        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", KAFKA.broker().bootstrapServers(),
                "--frames-topic", frames, "--labelled-topic", labelled,
                "--dead-letter-topic", dead, "--summaries-topic", summaries,
                "--group-id", name, "--transactional-id-prefix", name,
                "--model", detector.toString(),
                "--labels", SharedFixtures.cocoLabels().toString(),
                "--stop-at-latest",
                "--parallelism", "2",
                "--batch-size", "2",
                "--max-pixels", Long.toString(MAX_PIXELS),
                "--window-size", "200ms",
                "--checkpoint-interval", "1s"));
        args.addAll(List.of(taskArgs));
        ClassificationJob job = ClassificationJob.onKafka(
                JobArguments.parse(args.toArray(String[]::new), ClassificationJobOptions.class));
        assertThat(job.model().task()).isEqualTo(ModelTask.DETECTION);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.build(env);
        env.execute(job.jobName()); // bounded: returns when every frame is processed and committed

        OutputTopicsReader out = new OutputTopicsReader(KAFKA.broker().bootstrapServers(), labelled, dead, summaries);
        int expected = STREAMS.size() * photos.size();
        out.pollUntil(r -> r.outcomes() >= expected && r.framesInWindows() >= expected, Duration.ofSeconds(60));
        out.drain(Duration.ofSeconds(2)); // anything more would be a duplicate
        return new Run(photos, byKey, out);
    }

    private static void assertEveryFrameLabelledOnce(Run run) {
        Map<String, Long> counts = run.out().labelled().stream()
                .collect(Collectors.groupingBy(DetectionITCase::key, Collectors.counting()));
        assertThat(counts.keySet()).isEqualTo(run.byFrameKey().keySet());
        assertThat(counts.values()).allMatch(c -> c == 1L);
        assertThat(run.out().deadLetters()).as("dead letters").isEmpty();
    }

    private static void assertSameDetections(List<Detection> got, List<Detection> want, String photo) {
        assertThat(got).as("boxes of %s", photo).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            Detection g = got.get(i);
            Detection w = want.get(i);
            assertThat(g.getClassIndex()).as("%s box %d class", photo, i).isEqualTo(w.getClassIndex());
            assertThat(g.getLabel()).isEqualTo(w.getLabel());
            assertThat(g.getScore()).as("%s box %d score", photo, i).isCloseTo(w.getScore(), within(1e-4f));
            assertThat(g.getXMin()).as("%s box %d", photo, i).isCloseTo(w.getXMin(), within(0.5f));
            assertThat(g.getYMin()).as("%s box %d", photo, i).isCloseTo(w.getYMin(), within(0.5f));
            assertThat(g.getXMax()).as("%s box %d", photo, i).isCloseTo(w.getXMax(), within(0.5f));
            assertThat(g.getYMax()).as("%s box %d", photo, i).isCloseTo(w.getYMax(), within(0.5f));
        }
    }

    /**
     * The stand-in run directly on each photo's JPEG, outside Kafka and Flink: ImageDecoder, the
     * contract's preprocessing, ONNX Runtime, the YOLOX decoder and NMS; with {@code classifier}, the
     * chosen boxes classified as the job is configured to.
     */
    private static Map<String, List<Detection>> directDetections(List<JpegPhoto> photos, Path classifier)
            throws Exception {
        ModelSpec spec = ModelSpec.builder().modelPath(SharedFixtures.detectorStandIn())
                .labelsPath(SharedFixtures.cocoLabels()).task(ModelTask.DETECTION).build();
        ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocess());
        ObjectDetector detector = new ObjectDetector(spec);
        Map<String, List<Detection>> out = new HashMap<>();
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1));
                OnnxModelRunner classifierRunner = classifier == null ? null : new OnnxModelRunner(
                        ModelSpec.builder().modelPath(classifier).labelsPath(SharedFixtures.labels())
                                .topK(SECONDARY_TOP_K).build(), RunnerOptions.cpu(1))) {
            SecondaryClassifier secondary = classifierRunner == null ? null : new SecondaryClassifier(classifierRunner,
                    new SecondarySettings(SECONDARY_MIN_SCORE, SECONDARY_MAX_BOXES));
            for (JpegPhoto photo : photos) {
                RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, photo.jpeg());
                float[] sample = new float[spec.preprocess().sampleLength()];
                ImagePlacement placement = preprocessor.preprocessInto(image, sample, 0);
                float[] output = runner.run(new float[][] {sample})[0];
                String name = spec.outputName();
                List<Detection> found = detector.detect(
                        Map.of(name, Tensor.ofFloats(new long[] {3549, 85}, output)), placement).detections();
                out.put(photo.fileName(), secondary == null ? found : secondary.classify(image, found).detections());
            }
        }
        return out;
    }

    /** The photo as a baseline JPEG (quality 0.95 by ImageIO's default writer), as a camera would send it. */
    private static byte[] jpeg(byte[] photo) throws Exception {
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(photo));
        BufferedImage rgb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(read, 0, 0, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(rgb, "jpg", bytes)) {
            throw new IllegalStateException("no JPEG writer");
        }
        return bytes.toByteArray();
    }

    private static String key(LabelledFrame frame) {
        return frame.getStreamId() + "/" + frame.getSequence();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
