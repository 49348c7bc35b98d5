package io.flinkvision.benchmark;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.image.RgbImage;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures, in one run, on the same model, batch size and threads: (1) raw ONNX Runtime throughput,
 * the ceiling; (2) decode + preprocess + inference + postprocess in-process through {@link
 * InferencePipeline}; (3) end to end through a real Kafka broker and a Flink local cluster. Prints
 * frames/s and the ratios (2)/(1) and (3)/(1), plus the single-thread cost of each pixel stage.
 *
 * <p>Run with {@code tests/bin/benchmark [--seconds S] [--batch-size B] [--runs-in-flight R]
 * [--preprocess-threads P] [--frame-size WxH] [--model PATH] [--e2e-frames N]}. It reports; it
 * gates nothing.
 */
public final class PipelineBenchmark {
    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        Settings s = Settings.parse(args);
        ModelSpec spec = ModelSpec.builder().modelPath(s.model).labelsPath(SharedData.labels()).build();
        List<byte[]> jpegs = BenchmarkFrames.jpegs(SharedData.images(), s.width, s.height);
        PipelineSettings pipeline = new PipelineSettings(s.batchSize, s.batchWaitMillis, s.preprocessThreads,
                s.runsInFlight, 40_000_000L);
        RunnerOptions runnerOptions = RunnerOptions.cpu(s.intraOpThreads);

        System.out.printf(Locale.ROOT, "benchmark model=%s batch=%d runs_in_flight=%d intra_op_threads=%d "
                        + "preprocess_threads=%d frames=%dx%d JPEG (%d photos) cores=%d seconds=%d%n",
                spec.name(), s.batchSize, s.runsInFlight, s.intraOpThreads, s.preprocessThreads, s.width, s.height,
                jpegs.size(), Runtime.getRuntime().availableProcessors(), s.seconds);

        pixelPathCost(spec, jpegs);
        double raw = rawOnnxRuntime(spec, runnerOptions, jpegs, s);
        System.out.printf(Locale.ROOT, "(1) raw onnxruntime            %8.1f frames/s%n", raw);
        double inProcess = inProcessPipeline(spec, runnerOptions, pipeline, jpegs, s);
        System.out.printf(Locale.ROOT, "(2) in-process pipeline        %8.1f frames/s   (2)/(1) = %.2f%n",
                inProcess, inProcess / raw);
        EndToEnd e2e = endToEnd(jpegs, s);
        System.out.printf(Locale.ROOT, "(3) kafka + flink end-to-end   %8.1f frames/s   (3)/(1) = %.2f"
                        + "   [%d frames; job wall %.1f s incl. start-up and final commit]%n",
                e2e.steadyFps, e2e.steadyFps / raw, e2e.frames, e2e.wallSeconds);
    }

    /** Single-thread CPU cost of decode and of preprocess per frame: where the pixel path's time goes. */
    private static void pixelPathCost(ModelSpec spec, List<byte[]> jpegs) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ImageDecoder decoder = new ImageDecoder(40_000_000L);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocess());
        float[] sample = new float[spec.preprocess().sampleLength()];
        for (int warm = 0; warm < 3; warm++) {
            for (byte[] jpeg : jpegs) {
                preprocessor.preprocessInto(decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg), sample, 0);
            }
        }
        long decodeNanos = 0;
        long preprocessNanos = 0;
        int n = 0;
        for (int round = 0; round < 5; round++) {
            for (byte[] jpeg : jpegs) {
                long t0 = threads.getCurrentThreadCpuTime();
                RgbImage image = decoder.decode(FrameEncoding.JPEG, 0, 0, jpeg);
                long t1 = threads.getCurrentThreadCpuTime();
                preprocessor.preprocessInto(image, sample, 0);
                long t2 = threads.getCurrentThreadCpuTime();
                decodeNanos += t1 - t0;
                preprocessNanos += t2 - t1;
                n++;
            }
        }
        System.out.printf(Locale.ROOT, "pixel path per frame (one thread): decode %.2f core-ms, "
                        + "preprocess %.2f core-ms, total %.2f core-ms%n",
                decodeNanos / 1e6 / n, preprocessNanos / 1e6 / n, (decodeNanos + preprocessNanos) / 1e6 / n);
    }

    private static double rawOnnxRuntime(ModelSpec spec, RunnerOptions options, List<byte[]> jpegs, Settings s)
            throws Exception {
        ImageDecoder decoder = new ImageDecoder(40_000_000L);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocess());
        float[][] batch = new float[s.batchSize][];
        for (int i = 0; i < s.batchSize; i++) {
            batch[i] = preprocessor.preprocess(decoder.decode(FrameEncoding.JPEG, 0, 0, jpegs.get(i % jpegs.size())));
        }
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, options)) {
            for (int i = 0; i < 5; i++) {
                runner.run(batch);
            }
            AtomicLong frames = new AtomicLong();
            long deadline = System.nanoTime() + s.seconds * 1_000_000_000L;
            long start = System.nanoTime();
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < s.runsInFlight; t++) {
                Thread caller = new Thread(() -> {
                    try {
                        while (System.nanoTime() < deadline) {
                            runner.run(batch);
                            frames.addAndGet(batch.length);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "raw-ort-" + t);
                caller.start();
                callers.add(caller);
            }
            for (Thread caller : callers) {
                caller.join();
            }
            return frames.get() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double inProcessPipeline(ModelSpec spec, RunnerOptions options, PipelineSettings settings,
            List<byte[]> jpegs, Settings s) throws Exception {
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, options);
                InferencePipeline pipeline = InferencePipeline.builderFor(spec, runner, settings).build()) {
            // Keep as many frames in flight as the Flink async operator would (its capacity).
            Semaphore inFlight = new Semaphore(s.asyncCapacity);
            AtomicLong done = new AtomicLong();
            AtomicLong deadLettered = new AtomicLong();
            long offset = 0;
            long warmUntil = System.nanoTime() + 2_000_000_000L;
            long start = 0;
            long countedFrom = 0;
            long deadline = Long.MAX_VALUE;
            while (System.nanoTime() < deadline) {
                if (start == 0 && System.nanoTime() >= warmUntil) {
                    start = System.nanoTime();
                    countedFrom = done.get();
                    deadline = start + s.seconds * 1_000_000_000L;
                }
                inFlight.acquire();
                byte[] jpeg = jpegs.get((int) (offset % jpegs.size()));
                Frame frame = BenchmarkFrames.frame("bench", offset, jpeg, s.width, s.height);
                CompletableFuture<FrameOutcome> outcome = pipeline.submit(BenchmarkFrames.envelope(frame, offset++));
                outcome.whenComplete((o, e) -> {
                    if (e != null || o == null || o.getLabelled() == null) {
                        deadLettered.incrementAndGet();
                    }
                    done.incrementAndGet();
                    inFlight.release();
                });
            }
            double fps = (done.get() - countedFrom) / ((System.nanoTime() - start) / 1e9);
            if (deadLettered.get() > 0) {
                System.out.println("warning: " + deadLettered.get() + " benchmark frames were dead-lettered");
            }
            return fps;
        }
    }

    private record EndToEnd(long frames, double steadyFps, double wallSeconds) {}

    /**
     * Publishes the frames first, then runs the bounded job over them with the same batch and thread
     * settings; throughput is frames over the span of their labelled times (start-up excluded).
     */
    private static EndToEnd endToEnd(List<byte[]> jpegs, Settings s) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "frames");
            kafka.createTopics(1, "labelled", "summaries", "dead");
            AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (long i = 0; i < s.e2eFrames; i++) {
                    String stream = "cam-" + (i % 2);
                    Frame frame = BenchmarkFrames.frame(stream, i / 2, jpegs.get((int) (i % jpegs.size())),
                            s.width, s.height);
                    producer.send(new ProducerRecord<>("frames", stream.getBytes(), codec.encode(frame)));
                }
                producer.flush();
            }
            JobArguments args = JobArguments.parse(new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(),
                    "--frames-topic", "frames", "--labelled-topic", "labelled",
                    "--summaries-topic", "summaries", "--dead-letter-topic", "dead",
                    "--model", s.model.toString(), "--labels", SharedData.labels().toString(), "--stop-at-latest",
                    "--parallelism", "1",
                    "--batch-size", Integer.toString(s.batchSize),
                    "--batch-wait", s.batchWaitMillis + "ms",
                    "--batches-in-flight", Integer.toString(s.runsInFlight),
                    "--preprocess-threads", Integer.toString(s.preprocessThreads),
                    "--intra-op-threads", Integer.toString(s.intraOpThreads),
                    "--async-capacity", Integer.toString(s.asyncCapacity),
                    "--checkpoint-interval", "2s",
            }, ClassificationJobOptions.class);
            ClassificationJob job = ClassificationJob.onKafka(args);
            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
            long start = System.nanoTime();
            job.build(env);
            env.execute("benchmark");
            double wall = (System.nanoTime() - start) / 1e9;
            try (OutputTopicsReader out = new OutputTopicsReader(kafka.bootstrapServers(), "labelled", "dead",
                    "summaries")) {
                out.pollUntil(r -> r.outcomes() >= s.e2eFrames, Duration.ofSeconds(60));
                long first = out.labelled().stream().mapToLong(f -> f.getLabelledTime().toEpochMilli()).min()
                        .orElse(0);
                long last = out.labelled().stream().mapToLong(f -> f.getLabelledTime().toEpochMilli()).max()
                        .orElse(0);
                if (out.outcomes() != s.e2eFrames || !out.deadLetters().isEmpty()) {
                    System.out.println("warning: expected " + s.e2eFrames + " labelled frames, read "
                            + out.labelled().size() + " labelled and " + out.deadLetters().size() + " dead letters");
                }
                // n frames labelled over the span between the first and the last: n-1 intervals.
                double span = Math.max(1, last - first) / 1000.0;
                return new EndToEnd(out.labelled().size(), (out.labelled().size() - 1) / span, wall);
            }
        }
    }

    /** Command-line settings; defaults are the job's defaults on this 2-core machine. */
    private static final class Settings {
        Path model = SharedData.defaultModel();
        int seconds = 15;
        int batchSize = 2;
        long batchWaitMillis = 5;
        int runsInFlight = 2;
        int intraOpThreads = 1;
        int preprocessThreads = 2;
        int asyncCapacity = 32;
        int width = 1280;
        int height = 720;
        long e2eFrames = 3000; // fewer and the JIT warming up Kafka and Flink code is a large part of the run

        static Settings parse(String[] args) {
            Settings s = new Settings();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--model" -> s.model = Path.of(value);
                    case "--seconds" -> s.seconds = Integer.parseInt(value);
                    case "--batch-size" -> s.batchSize = Integer.parseInt(value);
                    case "--batch-wait-ms" -> s.batchWaitMillis = Long.parseLong(value);
                    case "--runs-in-flight" -> s.runsInFlight = Integer.parseInt(value);
                    case "--intra-op-threads" -> s.intraOpThreads = Integer.parseInt(value);
                    case "--preprocess-threads" -> s.preprocessThreads = Integer.parseInt(value);
                    case "--async-capacity" -> s.asyncCapacity = Integer.parseInt(value);
                    case "--e2e-frames" -> s.e2eFrames = Long.parseLong(value);
                    case "--frame-size" -> {
                        String[] wh = value.toLowerCase(Locale.ROOT).split("x");
                        s.width = Integer.parseInt(wh[0]);
                        s.height = Integer.parseInt(wh[1]);
                    }
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
            return s;
        }
    }
}
