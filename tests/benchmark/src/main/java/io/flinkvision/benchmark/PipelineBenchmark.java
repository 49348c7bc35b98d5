package io.flinkvision.benchmark;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;
import io.flinkvision.testkit.SharedData;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameOutcome;
import io.flinkvision.measure.FrameSize;
import io.flinkvision.measure.ModelThroughput;
import io.flinkvision.measure.ModelThroughputTimer;
import io.flinkvision.measure.PixelPathCost;
import io.flinkvision.measure.PixelPathTimer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Measures, in one run, on the same model, batch size and threads: (1) raw ONNX Runtime throughput,
 * the ceiling; (2) decode + preprocess + inference + postprocess in-process through {@link
 * InferencePipeline}; (3) end to end through a real Kafka broker and a Flink local cluster. Prints
 * frames/s and the ratios (2)/(1) and (3)/(1), plus the single-thread cost of each pixel stage. The
 * pixel-path cost and (1) are timed by the measurement library the capacity planner uses too.
 *
 * <p>Run with {@code tests/benchmark/bin/benchmark [options]} ({@code --help} lists them). It reports;
 * it gates nothing.
 */
@Command(name = "benchmark", sortOptions = false, usageHelpAutoWidth = true,
        description = {"(1) raw ONNX Runtime, (2) the in-process pipeline, (3) Kafka + Flink end to end, on the same "
                + "model, batch size and threads, side by side in one run, with the ratios. Defaults are the job's "
                + "defaults on a 2-core machine."})
public final class PipelineBenchmark implements Callable<Integer> {
    /** Rounds over the photos to warm the pixel path up, then to time it. */
    private static final int PIXEL_WARMUP_ROUNDS = 3;
    private static final int PIXEL_TIMED_ROUNDS = 5;
    private static final int RAW_WARMUP_BATCHES = 5;

    @Option(names = "--model", paramLabel = "PATH", description = "ONNX model (default: the shared EfficientNet-B0 bncal).")
    Path model;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "classify",
            description = "classify, or detect for a detector --model (its boxes decoded and suppressed in (2) and (3);"
                    + " default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--labels", paramLabel = "PATH",
            description = "Labels file (default: the shared ImageNet labels; with --task detect the COCO labels).")
    Path labels;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "15",
            description = "Timed seconds of (1) and of (2) (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "2", description = "(default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--batch-wait-ms", paramLabel = "MS", defaultValue = "5", description = "(default: ${DEFAULT-VALUE})")
    long batchWaitMillis;

    @Option(names = "--runs-in-flight", paramLabel = "R", defaultValue = "2",
            description = "Batches run concurrently (the job's batches-in-flight; default: ${DEFAULT-VALUE}).")
    int runsInFlight;

    @Option(names = "--intra-op-threads", paramLabel = "T", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    int intraOpThreads;

    @Option(names = "--preprocess-threads", paramLabel = "P", defaultValue = "2", description = "(default: ${DEFAULT-VALUE})")
    int preprocessThreads;

    @Option(names = "--async-capacity", paramLabel = "N", defaultValue = "32",
            description = "Frames in flight in (2) and (3), as the job's async operator (default: ${DEFAULT-VALUE}).")
    int asyncCapacity;

    @Option(names = "--frame-size", paramLabel = "WxH", defaultValue = "1280x720",
            description = "The photos re-encoded as JPEGs of this size (default: ${DEFAULT-VALUE}).")
    FrameSize frameSize;

    // Fewer and the JIT warming up Kafka and Flink code is a large part of the run.
    @Option(names = "--e2e-frames", paramLabel = "N", defaultValue = "3000",
            description = "Frames published for (3) (default: ${DEFAULT-VALUE}).")
    long e2eFrames;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The benchmark's command line: exit 2 with the usage on bad flags, 1 if a stage fails. */
    static CommandLine commandLine() {
        return new CommandLine(new PipelineBenchmark()).registerConverter(FrameSize.class, FrameSize::parse);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Path modelPath = model != null ? model : SharedData.defaultModel();
        boolean detect = task.equals("detect");
        Path labelsPath = labels != null ? labels : detect ? SharedData.cocoLabels() : SharedData.labels();
        ModelSpec.Builder builder = ModelSpec.builder().modelPath(modelPath);
        if (java.nio.file.Files.isRegularFile(labelsPath) && (labels != null || !detect || usesCocoLabels(modelPath))) {
            builder.labelsPath(labelsPath);
        } else {
            labelsPath = null;
        }
        ModelSpec modelSpec = builder.task(detect ? ModelTask.DETECTION : ModelTask.CLASSIFICATION).build();
        List<byte[]> jpegs = BenchmarkFrames.jpegs(SharedData.images(), frameSize.width(), frameSize.height());
        PipelineSettings pipeline = new PipelineSettings(batchSize, batchWaitMillis, preprocessThreads,
                runsInFlight, PipelineSettings.defaults().maxPixels());
        RunnerOptions runnerOptions = RunnerOptions.cpu(intraOpThreads);

        System.out.printf(Locale.ROOT, "benchmark task=%s model=%s batch=%d runs_in_flight=%d intra_op_threads=%d "
                        + "preprocess_threads=%d frames=%s JPEG (%d photos) cores=%d seconds=%d%n",
                task, modelSpec.name(), batchSize, runsInFlight, intraOpThreads, preprocessThreads, frameSize,
                jpegs.size(), Runtime.getRuntime().availableProcessors(), seconds);

        PixelPathCost pixels = PixelPathTimer.builder().jpegs(jpegs).preprocess(modelSpec.preprocess())
                .warmupFrames(PIXEL_WARMUP_ROUNDS * jpegs.size()).timedFrames(PIXEL_TIMED_ROUNDS * jpegs.size())
                .build().time();
        System.out.printf(Locale.ROOT, "pixel path per frame (one thread, mean of %d): decode %.2f core-ms, "
                        + "preprocess %.2f core-ms, total %.2f core-ms (p99 %.2f)%n", pixels.frames(),
                pixels.decode().meanMillis(), pixels.preprocess().meanMillis(), pixels.meanCoreMillis(),
                pixels.total().percentileMillis(99));
        ModelThroughput raw = rawOnnxRuntime(modelSpec, runnerOptions, jpegs);
        double rawFps = raw.framesPerSecond();
        System.out.printf(Locale.ROOT, "(1) raw onnxruntime            %8.1f frames/s"
                        + "   [batch latency p50 %.1f ms, p99 %.1f ms over %d batches]%n", rawFps,
                raw.batchLatency().percentileMillis(50), raw.batchLatency().percentileMillis(99), raw.batches());
        double inProcess = inProcessPipeline(modelSpec, runnerOptions, pipeline, jpegs);
        System.out.printf(Locale.ROOT, "(2) in-process pipeline        %8.1f frames/s   (2)/(1) = %.2f%n",
                inProcess, inProcess / rawFps);
        EndToEnd e2e = endToEnd(modelPath, labelsPath, jpegs);
        System.out.printf(Locale.ROOT, "(3) kafka + flink end-to-end   %8.1f frames/s   (3)/(1) = %.2f"
                        + "   [%d frames; job wall %.1f s incl. start-up and final commit]%n",
                e2e.steadyFps, e2e.steadyFps / rawFps, e2e.frames, e2e.wallSeconds);
        return 0;
    }

    private void validate() {
        positive(seconds, "--seconds");
        positive(batchSize, "--batch-size");
        positive(runsInFlight, "--runs-in-flight");
        positive(intraOpThreads, "--intra-op-threads");
        positive(preprocessThreads, "--preprocess-threads");
        positive(asyncCapacity, "--async-capacity");
        if (batchWaitMillis < 0) {
            throw new ParameterException(spec.commandLine(), "--batch-wait-ms must be >= 0, got " + batchWaitMillis);
        }
        if (!task.equals("classify") && !task.equals("detect")) {
            throw new ParameterException(spec.commandLine(), "--task must be classify or detect, got " + task);
        }
        if (e2eFrames < 2) {
            throw new ParameterException(spec.commandLine(), "--e2e-frames must be >= 2, got " + e2eFrames);
        }
    }

    private void positive(int value, String option) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be >= 1, got " + value);
        }
    }

    /** (1): the model alone on a batch of preprocessed photos, {@code --runs-in-flight} batches at a time. */
    private ModelThroughput rawOnnxRuntime(ModelSpec modelSpec, RunnerOptions options, List<byte[]> jpegs)
            throws Exception {
        ImageDecoder decoder = new ImageDecoder(PipelineSettings.defaults().maxPixels());
        ImagePreprocessor preprocessor = new ImagePreprocessor(modelSpec.preprocess());
        float[][] batch = new float[batchSize][];
        for (int i = 0; i < batchSize; i++) {
            batch[i] = preprocessor.preprocess(decoder.decode(FrameEncoding.JPEG, 0, 0, jpegs.get(i % jpegs.size())));
        }
        try (OnnxModelRunner runner = new OnnxModelRunner(modelSpec, options)) {
            return ModelThroughputTimer.builder().runner(runner).batch(batch).runsInFlight(runsInFlight)
                    .warmupBatches(RAW_WARMUP_BATCHES).duration(Duration.ofSeconds(seconds)).build().time();
        }
    }

    /** (2): frames through the in-process pipeline, as many in flight as the async operator allows. */
    private double inProcessPipeline(ModelSpec modelSpec, RunnerOptions options, PipelineSettings settings,
            List<byte[]> jpegs) throws Exception {
        try (OnnxModelRunner runner = new OnnxModelRunner(modelSpec, options);
                InferencePipeline pipeline = InferencePipeline.builderFor(modelSpec, runner, settings).build()) {
            // Keep as many frames in flight as the Flink async operator would (its capacity).
            Semaphore inFlight = new Semaphore(asyncCapacity);
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
                    deadline = start + seconds * 1_000_000_000L;
                }
                inFlight.acquire();
                byte[] jpeg = jpegs.get((int) (offset % jpegs.size()));
                Frame frame = BenchmarkFrames.frame("bench", offset, jpeg, frameSize.width(),
                        frameSize.height());
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
    /**
     * Whether a detector scores the 80 COCO classes of the shared labels file (the YOLOX stand-in); the
     * generated EfficientDets score the reference's 90 and go without labels (class_<n>).
     */
    private static boolean usesCocoLabels(Path model) {
        return model.getFileName().toString().startsWith("yolox");
    }

    private EndToEnd endToEnd(Path modelPath, Path labelsPath, List<byte[]> jpegs) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "frames");
            kafka.createTopics(1, "labelled", "summaries", "dead");
            AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (long i = 0; i < e2eFrames; i++) {
                    String stream = "cam-" + (i % 2);
                    Frame frame = BenchmarkFrames.frame(stream, i / 2, jpegs.get((int) (i % jpegs.size())),
                            frameSize.width(), frameSize.height());
                    producer.send(new ProducerRecord<>("frames", stream.getBytes(), codec.encode(frame)));
                }
                producer.flush();
            }
            List<String> labelArgs = labelsPath == null ? List.of() : List.of("--labels", labelsPath.toString());
            List<String> jobArgs = new java.util.ArrayList<>(labelArgs);
            jobArgs.addAll(List.of("--task", task));
            jobArgs.addAll(List.of(
                    "--bootstrap-servers", kafka.bootstrapServers(),
                    "--frames-topic", "frames", "--labelled-topic", "labelled",
                    "--summaries-topic", "summaries", "--dead-letter-topic", "dead",
                    "--model", modelPath.toString(), "--stop-at-latest",
                    "--parallelism", "1",
                    "--batch-size", Integer.toString(batchSize),
                    "--batch-wait", batchWaitMillis + "ms",
                    "--batches-in-flight", Integer.toString(runsInFlight),
                    "--preprocess-threads", Integer.toString(preprocessThreads),
                    "--intra-op-threads", Integer.toString(intraOpThreads),
                    "--async-capacity", Integer.toString(asyncCapacity),
                    "--checkpoint-interval", "2s", "--job-name", "benchmark"));
            JobArguments args = JobArguments.parse(jobArgs.toArray(String[]::new), ClassificationJobOptions.class);
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
                out.pollUntil(r -> r.outcomes() >= e2eFrames, Duration.ofSeconds(60));
                long first = out.labelled().stream().mapToLong(f -> f.getLabelledTime().toEpochMilli()).min()
                        .orElse(0);
                long last = out.labelled().stream().mapToLong(f -> f.getLabelledTime().toEpochMilli()).max()
                        .orElse(0);
                if (out.outcomes() != e2eFrames || !out.deadLetters().isEmpty()) {
                    System.out.println("warning: expected " + e2eFrames + " labelled frames, read "
                            + out.labelled().size() + " labelled and " + out.deadLetters().size() + " dead letters");
                }
                // n frames labelled over the span between the first and the last: n-1 intervals.
                double span = Math.max(1, last - first) / 1000.0;
                return new EndToEnd(out.labelled().size(), (out.labelled().size() - 1) / span, wall);
            }
        }
    }
}
