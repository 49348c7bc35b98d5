package io.flinkvision.demo;

import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.job.config.ModelConfiguration;
import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.FrameSource;
import io.flinkvision.publisher.PublishSummary;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The one-command demo: an embedded Kafka broker (KRaft) and a local Flink cluster in this JVM,
 * frames published from a video or a folder of images on several streams, the classification job,
 * and a read_committed reader printing every labelled frame, dead letter and window summary.
 *
 * <p>The job runs unbounded, as in production; once every published frame has come out, the demo
 * stops it with a draining savepoint, which fires the last event-time windows, so the window
 * summaries add up to the frames published. The last line is the tally.
 */
public final class Demo {
    private static final String FRAMES = "frames";
    private static final String LABELLED = "labelled-frames";
    private static final String SUMMARIES = "window-summaries";
    private static final String DEAD_LETTERS = "dead-letters";
    private static final long SYNTHETIC_FRAMES = 100;

    private Demo() {}

    public static void main(String[] args) throws Exception {
        DemoArguments demo;
        try {
            demo = DemoArguments.parse(args);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        if (demo.help()) {
            System.out.print(DemoArguments.usage());
            System.out.print(JobArguments.help(ClassificationJobOptions.class));
            return;
        }
        System.exit(run(demo));
    }

    /** Runs the demo; returns the process exit code. */
    static int run(DemoArguments demo) throws Exception {
        Path input = demo.input();
        boolean syntheticFallback = !demo.inputGiven() && !Files.exists(input);
        if (syntheticFallback) {
            System.out.println("warning: " + input + " not found (no ../shared?): publishing "
                    + SYNTHETIC_FRAMES + " synthetic 640x480 frames per stream instead; --input PATH takes real ones");
        } else if (!Files.exists(input)) {
            fail("input not found: " + input + " (give --input PATH to a video file or a folder of images, "
                    + "or put ../shared beside the checkout, or set " + SharedData.ENV + ")");
            return 2;
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, FRAMES);
            kafka.createTopics(1, LABELLED, SUMMARIES, DEAD_LETTERS);

            DemoModel model = DemoModel.choose(demo.jobArgs(), demo.generatedModel(),
                    System.getenv(ModelConfiguration.MODEL_ENV));
            if (model.note() != null) {
                System.out.println(model.note());
            }
            ClassificationJob job;
            try {
                job = ClassificationJob.onKafka(JobArguments.parse(
                        demo.jobArguments(model, kafka.bootstrapServers(), FRAMES, LABELLED, SUMMARIES, DEAD_LETTERS),
                        ClassificationJobOptions.class));
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
                return 2;
            }
            Path modelFile = Path.of(job.model().modelPath());
            System.out.println("model " + job.model().name() + " (" + modelFile + ", sha256 "
                    + job.model().sha256().substring(0, 12) + "...)");
            if (DemoModel.isRandomWeightDefault(modelFile)) {
                System.out.println("note: this EfficientNet-B0 has random weights, so its labels are meaningless; "
                        + "--model PATH takes a trained model");
            }

            FrameSource source;
            try {
                source = syntheticFallback
                        ? new SyntheticSource(640, 480, 0, SYNTHETIC_FRAMES, demo.jpegQuality())
                        : FrameSource.open(input, demo.jpegQuality());
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
                return 2;
            }
            Path savepoints = Files.createTempDirectory("flink-vision-demo-savepoints");
            StreamExecutionEnvironment env = localCluster(job.parallelism());
            JobClient client = job.executeAsync(env);

            FramePublisher publisher = FramePublisher.builder()
                    .bootstrapServers(kafka.bootstrapServers())
                    .topic(FRAMES)
                    .source(source)
                    .streams(demo.streams())
                    .fps(demo.fps())
                    .framesPerStream(demo.maxFrames())
                    .badFramesPerStream(demo.injectBad())
                    .progress(line -> System.err.println("publisher: " + line))
                    .build();
            CompletableFuture<PublishSummary> published = CompletableFuture.supplyAsync(() -> {
                try {
                    return publisher.run();
                } catch (Exception e) {
                    throw new IllegalStateException("publishing failed: " + e.getMessage(), e);
                }
            });

            try (OutputTopicsReader reader = new OutputTopicsReader(kafka.bootstrapServers(), LABELLED, DEAD_LETTERS,
                    SUMMARIES)) {
                reader.listener(new ConsolePrinter());
                // Every frame ends as a labelled frame or a dead letter: wait for all of them.
                boolean allOut = reader.pollUntil(
                        r -> published.isDone() && !published.isCompletedExceptionally()
                                && r.outcomes() >= published.join().total(),
                        demo.timeout());
                PublishSummary summary = published.isDone() && !published.isCompletedExceptionally()
                        ? published.join() : null;
                if (summary == null) {
                    publisher.stop();
                    System.err.println("demo: publishing did not finish: " + describe(published));
                } else if (!allOut) {
                    System.err.println("demo: timed out after " + demo.timeout().toSeconds() + " s with "
                            + reader.outcomes() + " of " + summary.total() + " frames out");
                }
                // Drain: the source stops, MAX_WATERMARK fires the last windows, the sinks commit.
                client.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
                long expected = summary == null ? Long.MAX_VALUE : summary.total();
                reader.pollUntil(r -> r.framesInWindows() >= expected, Duration.ofSeconds(20));
                reader.drain(Duration.ofSeconds(1));

                long total = summary == null ? publisher.sent() : summary.total();
                System.out.println("tally published=" + total + " labelled=" + reader.labelled().size()
                        + " dead_lettered=" + reader.deadLetters().size() + " windows=" + reader.summaries().size());
                return summary != null && allOut ? 0 : 1;
            }
        }
    }

    private static StreamExecutionEnvironment localCluster(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, parallelism));
        return StreamExecutionEnvironment.createLocalEnvironment(conf);
    }

    private static String describe(CompletableFuture<PublishSummary> published) {
        if (!published.isDone()) {
            return "still running";
        }
        try {
            published.join();
            return "done";
        } catch (RuntimeException e) {
            return e.getCause() == null ? e.toString() : e.getCause().getMessage();
        }
    }

    private static void fail(String message) {
        System.err.println("flink-vision demo: " + message);
    }

    /** Demo-only flags; the rest are the job's settings. */
    record DemoArguments(Path input, boolean inputGiven, int streams, double fps, long maxFrames, int injectBad, float jpegQuality,
            Duration timeout, boolean generatedModel, boolean help, List<String> jobArgs) {

        static DemoArguments parse(String[] args) {
            Path input = SharedData.sampleVideo();
            boolean inputGiven = false;
            int streams = 2;
            double fps = 25;
            long maxFrames = 0;
            int injectBad = 0;
            float quality = 0.9f;
            Duration timeout = Duration.ofMinutes(10);
            boolean help = false;
            boolean generatedModel = false;
            List<String> job = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
                boolean demoFlag = switch (key) {
                    case "--input", "--streams", "--fps", "--max-frames", "--inject-bad", "--jpeg-quality",
                            "--timeout" -> true;
                    default -> false;
                };
                if (key.equals("--help") || key.equals("-h")) {
                    help = true;
                    continue;
                }
                if (key.equals("--generated-model")) {
                    generatedModel = true;
                    continue;
                }
                if (!demoFlag) {
                    job.add(arg);
                    continue;
                }
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(key + " needs a value");
                    }
                    value = args[++i];
                }
                try {
                    switch (key) {
                        case "--input" -> {
                            input = Path.of(value).toAbsolutePath().normalize();
                            inputGiven = true;
                        }
                        case "--streams" -> streams = positive(key, Integer.parseInt(value));
                        case "--fps" -> fps = Double.parseDouble(value);
                        case "--max-frames" -> maxFrames = Long.parseLong(value);
                        case "--inject-bad" -> injectBad = Integer.parseInt(value);
                        case "--jpeg-quality" -> quality = Float.parseFloat(value);
                        case "--timeout" -> timeout = Duration.ofSeconds(positive(key, Integer.parseInt(value)));
                        default -> throw new IllegalStateException(key);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + ": '" + value + "' is not a number");
                }
            }
            if (fps < 0 || maxFrames < 0 || injectBad < 0) {
                throw new IllegalArgumentException("--fps, --max-frames and --inject-bad must be >= 0");
            }
            return new DemoArguments(input, inputGiven, streams, fps, maxFrames, injectBad, quality, timeout, generatedModel,
                    help, job);
        }

        private static int positive(String key, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(key + " must be >= 1, got " + value);
            }
            return value;
        }

        /** The job's arguments: demo defaults first, so the user's flags (parsed later) win. */
        String[] jobArguments(DemoModel model, String bootstrap, String frames, String labelled, String summaries,
                String dead) {
            List<String> all = new ArrayList<>(List.of(
                    "--checkpoint-interval", "2s",
                    "--window-size", "5s"));
            all.addAll(model.jobArguments());
            all.addAll(jobArgs);
            // The demo owns its broker and topics: these are not the user's to change.
            all.addAll(List.of("--bootstrap-servers", bootstrap, "--frames-topic", frames,
                    "--labelled-topic", labelled, "--summaries-topic", summaries, "--dead-letter-topic", dead));
            return all.toArray(String[]::new);
        }

        static String usage() {
            return """
                    Usage: jobs/demo/bin/demo [--input PATH] [--model PATH] [demo flags] [job settings]

                    Demo flags:
                      --input PATH        video file or folder of images (default: ../shared/images/slideshow_640x480_25fps.mp4)
                      --streams N         streams publishing the input at once (default 2)
                      --fps X             frames per second per stream (default 25; 0 = as fast as possible)
                      --max-frames N      frames per stream (default 0 = the input once)
                      --inject-bad N      corrupt records per stream, to show dead letters (default 0)
                      --jpeg-quality Q    JPEG quality of frames taken from a video (default 0.9)
                      --timeout SECONDS   give up waiting for the output after this (default 600)
                      --generated-model   run a generated EfficientNet-B0 with random weights (the default when
                                          neither --model nor ../shared/models/efficientnet_b0_seed0_bncal.onnx is there)

                    Job settings (the demo sets checkpoint-interval 2s and window-size 5s unless given):
                    """;
        }
    }
}
