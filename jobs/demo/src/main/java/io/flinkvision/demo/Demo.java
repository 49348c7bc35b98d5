package io.flinkvision.demo;

import io.flinkvision.testkit.EmbeddedKafka;
import io.flinkvision.testkit.OutputTopicsReader;

import io.flinkvision.job.ClassificationJob;
import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.job.config.ModelConfiguration;
import io.flinkvision.publisher.CliConventions;
import io.flinkvision.publisher.FramePublisher;
import io.flinkvision.publisher.FrameSource;
import io.flinkvision.publisher.PublishSummary;
import io.flinkvision.publisher.SyntheticSource;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The one-command demo: an embedded Kafka broker (KRaft) and a local Flink cluster in this JVM,
 * frames published from a video or a folder of images on several streams, the classification job,
 * and a read_committed reader printing every labelled frame, dead letter and window summary.
 *
 * <p>The job runs unbounded, as in production; once every published frame has come out, the demo
 * stops it with a draining savepoint, which fires the last event-time windows, so the window
 * summaries add up to the frames published. The last line is the tally.
 */
@Command(name = "demo", sortOptions = false, usageHelpAutoWidth = true,
        resourceBundle = "io.flinkvision.demo.version", version = "flink-vision demo ${bundle:flink-vision.version}",
        customSynopsis = "jobs/demo/bin/demo [--input PATH] [--model PATH] [demo flags] [job settings]",
        description = {"An embedded Kafka broker and a local Flink cluster in this JVM: publishes a video or a folder "
            + "of images on several streams, runs the job (--task classify, detect or detect+classify) and prints what comes out.", "",
            "Demo flags:"})
public final class Demo implements Callable<Integer> {
    private static final String FRAMES = "frames";
    private static final String LABELLED = "labelled-frames";
    private static final String SUMMARIES = "window-summaries";
    private static final String DEAD_LETTERS = "dead-letters";
    private static final long SYNTHETIC_FRAMES = 100;
    /** Job settings the demo changes unless given: faster checkpoints and windows for a short run. */
    private static final Map<String, String> JOB_DEFAULTS = Map.of("checkpoint-interval", "2s", "window-size", "5s",
            "job-name", "flink-vision-demo"); // its own broker, so one name for every demo run is enough
    private static final String JOB_SETTINGS_SECTION = "jobSettings";

    @Option(names = "--input", paramLabel = "PATH",
            description = "video file or folder of images (default: ../shared/images/slideshow_640x480_25fps.mp4)")
    private Path input;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "2",
            description = "streams publishing the input at once (default: ${DEFAULT-VALUE})")
    private int streams;

    @Option(names = "--fps", paramLabel = "X", defaultValue = "25",
            description = "frames per second per stream; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    private double fps;

    @Option(names = "--max-frames", paramLabel = "N", defaultValue = "0",
            description = "frames per stream; 0 = the input once (default: ${DEFAULT-VALUE})")
    private long maxFrames;

    @Option(names = "--inject-bad", paramLabel = "N", defaultValue = "0",
            description = "corrupt records per stream, to show dead letters (default: ${DEFAULT-VALUE})")
    private int injectBad;

    @Option(names = "--jpeg-quality", paramLabel = "Q", defaultValue = "0.9",
            description = "JPEG quality of frames taken from a video (default: ${DEFAULT-VALUE})")
    private float jpegQuality;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "give up waiting for the output after this (default: ${DEFAULT-VALUE})")
    private int timeoutSeconds;

    @Option(names = "--generated-model", description = "run a generated EfficientNet-B0 with random weights (the "
            + "default when neither --model nor ../shared/models/efficientnet_b0_seed0_bncal.onnx is there)")
    private boolean generatedModel;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Option(names = "--version", versionHelp = true, description = "print the version and exit")
    private boolean version;

    /** Everything that is not a demo flag, in order: the job's settings, which JobArguments reads and checks. */
    @Unmatched
    private List<String> jobArgs = new ArrayList<>();

    @Spec
    private CommandSpec spec;

    private Demo() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The demo's command line: its own flags; the rest go to the job, and the help lists the job's
     * settings from the same ConfigOptions as the job's own help.
     */
    static CommandLine commandLine() {
        CommandLine commandLine = CliConventions.apply(new CommandLine(new Demo()), "flink-vision demo: ")
                .setUnmatchedArgumentsAllowed(true);
        commandLine.getHelpSectionMap().put(JOB_SETTINGS_SECTION, help -> String.format("%nJob settings (flags win over --config;"
                + " the demo sets checkpoint-interval 2s and window-size 5s%nunless given):%n")
                + JobArguments.settingsHelp(ClassificationJobOptions.class));
        List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
        sections.add(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING),
                JOB_SETTINGS_SECTION);
        commandLine.setHelpSectionKeys(sections);
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        check("--streams", streams >= 1, streams, 1);
        check("--fps", fps >= 0, fps, 0);
        check("--max-frames", maxFrames >= 0, maxFrames, 0);
        check("--inject-bad", injectBad >= 0, injectBad, 0);
        check("--timeout", timeoutSeconds >= 1, timeoutSeconds, 1);
        JobArguments user;
        try {
            // Checked now, so a bad setting fails before the broker and the cluster start.
            user = JobArguments.parse(jobArgs.toArray(String[]::new), ClassificationJobOptions.class);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return run(user.settings());
    }

    private void check(String flag, boolean ok, Object value, int min) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), flag + " must be >= " + min + ", got " + value);
        }
    }

    /** Runs the demo with the job settings the user gave; returns the process exit code. */
    private int run(Map<String, String> userSettings) throws Exception {
        boolean inputGiven = this.input != null;
        Path input = inputGiven ? this.input.toAbsolutePath().normalize() : SharedData.sampleVideo();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        boolean syntheticFallback = !inputGiven && !Files.exists(input);
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

            DemoModel model;
            try {
                model = DemoModel.choose(userSettings, generatedModel, System.getenv(ModelConfiguration.MODEL_ENV));
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
                return 2;
            }
            if (model.note() != null) {
                System.out.println(model.note());
            }
            ClassificationJob job;
            try {
                job = ClassificationJob.onKafka(JobArguments.of(
                        jobSettings(userSettings, model, kafka.bootstrapServers()), ClassificationJobOptions.class));
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
                return 2;
            }
            Path modelFile = Path.of(job.model().modelPath());
            System.out.println(job.task() + " with model " + job.model().name() + " (" + modelFile + ", sha256 "
                    + job.model().sha256().substring(0, 12) + "...)");
            if (job.secondaryModel() != null) {
                System.out.println("boxes classified by " + job.secondaryModel().name() + " ("
                        + job.secondaryModel().modelPath() + ")");
            }
            if (DemoModel.isRandomWeightDefault(modelFile)) {
                System.out.println("note: this EfficientNet-B0 has random weights, so its labels are meaningless; "
                        + "--model PATH takes a trained model");
            }

            FrameSource source;
            try {
                source = syntheticFallback
                        ? new SyntheticSource(640, 480, 0, SYNTHETIC_FRAMES, jpegQuality)
                        : FrameSource.open(input, jpegQuality);
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
                    .streams(streams)
                    .fps(fps)
                    .framesPerStream(maxFrames)
                    .badFramesPerStream(injectBad)
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
                        timeout);
                PublishSummary summary = published.isDone() && !published.isCompletedExceptionally()
                        ? published.join() : null;
                if (summary == null) {
                    publisher.stop();
                    System.err.println("demo: publishing did not finish: " + describe(published));
                } else if (!allOut) {
                    System.err.println("demo: timed out after " + timeout.toSeconds() + " s with "
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
        // The job leaves parallelism to its environment unless --parallelism is given: size both alike.
        conf.set(CoreOptions.DEFAULT_PARALLELISM, Math.max(1, parallelism));
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

    /** The job's settings: the demo's defaults, its model, the user's settings, then its own broker and topics. */
    static Map<String, String> jobSettings(Map<String, String> userSettings, DemoModel model, String bootstrap) {
        Map<String, String> settings = new LinkedHashMap<>(JOB_DEFAULTS);
        settings.putAll(model.jobSettings());
        settings.putAll(userSettings);
        // The demo owns its broker and topics: these are not the user's to change.
        settings.putAll(Map.of("bootstrap-servers", bootstrap, "frames-topic", FRAMES, "labelled-topic", LABELLED,
                "summaries-topic", SUMMARIES, "dead-letter-topic", DEAD_LETTERS));
        return settings;
    }
}
