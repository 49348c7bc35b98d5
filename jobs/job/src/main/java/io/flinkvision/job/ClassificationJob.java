package io.flinkvision.job;

import static io.flinkvision.job.config.ClassificationJobOptions.*;

import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.job.config.DeliverySettings;
import io.flinkvision.job.config.InvalidSettingException;
import io.flinkvision.job.config.ExecutionSettings;
import io.flinkvision.job.config.JobArguments;
import io.flinkvision.job.config.JobTask;
import io.flinkvision.job.config.ModelConfiguration;
import io.flinkvision.job.kafka.KafkaConnectors;
import io.flinkvision.job.kafka.KafkaPreflight;
import io.flinkvision.flink.BatchingInferenceFunction;
import io.flinkvision.flink.PipelineFactory;
import io.flinkvision.flink.FrameWatermarks;
import io.flinkvision.flink.InferenceStage;
import io.flinkvision.flink.LateOutcomeCounter;
import io.flinkvision.flink.ModelSpecSource;
import io.flinkvision.flink.OutcomeRouter;
import io.flinkvision.flink.WindowSummaries;
import io.flinkvision.core.pipeline.FrameLimits;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.pipeline.RetryPolicy;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.schemas.DeadLetter;
import io.flinkvision.schemas.LabelledFrame;
import io.flinkvision.schemas.WindowSummary;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job: frames in, labelled frames, window summaries and dead letters out. It classifies, detects
 * or detects then classifies ({@code --task}); the name stayed from when it only classified.
 *
 * <pre>
 * frames ─► batching async inference ─► router ─┬─► labelled frames
 *                     │                        └─► dead letters (side output)
 *                     └─► keyBy stream ─► event-time windows ─► window summaries
 * </pre>
 *
 * <p>Sources and sinks come in through the constructor, so tests can plug in others; {@link
 * #main(String[])} wires Kafka. Every input record ends as exactly one labelled frame or one dead
 * letter.
 */
public final class ClassificationJob {
    /** Avro 1.12 loads classes by reflection only from trusted packages (Kryo fallbacks). */
    public static final String AVRO_TRUSTED_PACKAGES = "io.flinkvision.schemas";
    private static final Logger LOG = LoggerFactory.getLogger(ClassificationJob.class);

    /** Flink's name for the group of operators that were given none. */
    static final String DEFAULT_SLOT_SHARING_GROUP = "default";
    /** How long the preflight waits for Kafka's answers. */
    static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(30);

    private final Configuration config;
    /** Null when the model could not be read where the job was built; the TaskManagers load it anyway. */
    private final ModelSpec model;
    private final ModelSpecSource modelSource;
    /** The classifier of the detected boxes as the client read it (detect+classify); null otherwise or unreadable. */
    private final ModelSpec secondary;
    /** What the operators resolve for it in open(); null without a secondary classifier. */
    private final ModelSpecSource secondarySource;
    private final Source<FrameEnvelope, ?, ?> frames;
    private final Sink<LabelledFrame> labelled;
    private final Sink<WindowSummary> summaries;
    private final Sink<DeadLetter> deadLetters;
    /** Null: the production factory over the JVM-wide model registry. */
    private PipelineFactory pipelineFactory;

    public ClassificationJob(
            Configuration config,
            ModelSpec model,
            Source<FrameEnvelope, ?, ?> frames,
            Sink<LabelledFrame> labelled,
            Sink<WindowSummary> summaries,
            Sink<DeadLetter> deadLetters) {
        this(config, model, ModelSpecSource.of(model), frames, labelled, summaries, deadLetters);
    }

    /** With the secondary classifier of --task detect+classify read here, from the configuration. */
    private ClassificationJob(Configuration config, ModelSpec model, ModelSpecSource modelSource,
            Source<FrameEnvelope, ?, ?> frames, Sink<LabelledFrame> labelled, Sink<WindowSummary> summaries,
            Sink<DeadLetter> deadLetters, ModelSpec secondary) {
        this(config, model, modelSource, secondary, secondary == null ? null : ModelSpecSource.of(secondary), frames,
                labelled, summaries, deadLetters);
    }

    /**
     * @param model the spec as the client read it, or null when it could not
     * @param modelSource what the inference operators resolve in open(), on the TaskManagers
     */
    public ClassificationJob(
            Configuration config,
            ModelSpec model,
            ModelSpecSource modelSource,
            Source<FrameEnvelope, ?, ?> frames,
            Sink<LabelledFrame> labelled,
            Sink<WindowSummary> summaries,
            Sink<DeadLetter> deadLetters) {
        this(config, model, modelSource, frames, labelled, summaries, deadLetters,
                ModelConfiguration.secondarySpec(config));
    }

    /**
     * @param secondary the secondary classifier as the client read it, or null (none, or not readable here)
     * @param secondarySource what the operators resolve for it in open(); null unless --task detect+classify
     */
    public ClassificationJob(
            Configuration config,
            ModelSpec model,
            ModelSpecSource modelSource,
            ModelSpec secondary,
            ModelSpecSource secondarySource,
            Source<FrameEnvelope, ?, ?> frames,
            Sink<LabelledFrame> labelled,
            Sink<WindowSummary> summaries,
            Sink<DeadLetter> deadLetters) {
        if (model != null && model.task() != ModelConfiguration.modelTask(config)) {
            throw new IllegalArgumentException("--task " + config.get(TASK) + " does not fit model " + model.name()
                    + ", a " + model.task().name().toLowerCase(java.util.Locale.ROOT) + " model");
        }
        if (ModelConfiguration.hasSecondary(config) != (secondarySource != null)) {
            throw new IllegalArgumentException("--task detect+classify and a secondary classifier go together"
                    + " (--secondary-model)");
        }
        this.config = config;
        this.model = model;
        this.modelSource = modelSource;
        this.secondary = secondary;
        this.secondarySource = secondarySource;
        this.frames = frames;
        this.labelled = labelled;
        this.summaries = summaries;
        this.deadLetters = deadLetters;
    }

    /**
     * The job on Kafka, as configured. Where the model is readable here it is checked now, so a bad
     * model fails before submission; where it is not (application mode runs this on the JobManager),
     * the TaskManagers load it from its location and check it in open(). Then (unless
     * {@code --preflight false}) it checks that Kafka takes what the job will write.
     *
     * @throws IllegalArgumentException for a bad setting or model
     * @throws KafkaPreflight.PreflightException when Kafka cannot be reached or would refuse the job's records
     */
    public static ClassificationJob onKafka(JobArguments arguments) {
        Configuration config = arguments.configuration();
        KafkaConnectors kafka = new KafkaConnectors(config, arguments.kafkaProperties());
        ModelSpec model = ModelConfiguration.specIfReadable(config).orElse(null);
        if (model == null) {
            LOG.info("Model {} is not readable here; the TaskManagers load and check it when inference opens",
                    ModelConfiguration.modelUri(config));
        }
        ModelSpec secondary = ModelConfiguration.secondarySpecIfReadable(config).orElse(null);
        // Settings and model first: a bad one exits with 2 without waiting for Kafka.
        if (config.get(PREFLIGHT)) {
            kafka.preflight(PREFLIGHT_TIMEOUT);
        }
        return new ClassificationJob(config, model, ModelConfiguration.onTaskManagers(config), secondary,
                ModelConfiguration.secondaryOnTaskManagers(config), kafka.frameSource(), kafka.labelledSink(),
                kafka.summarySink(), kafka.deadLetterSink());
    }

    /**
     * The model as read where the job was built.
     *
     * @throws IllegalStateException when it could not be read there (the TaskManagers load it)
     */
    public ModelSpec model() {
        if (model == null) {
            throw new IllegalStateException("the model " + ModelConfiguration.modelUri(config)
                    + " was not readable where the job was built; only the TaskManagers load it");
        }
        return model;
    }

    /** The secondary classifier as read where the job was built; null without one (or when unreadable here). */
    public ModelSpec secondaryModel() {
        return secondary;
    }

    public JobTask task() {
        return config.get(TASK);
    }

    /** "flink-vision classify (model)", "flink-vision detect+classify (detector + classifier)", ... */
    public String jobName() {
        return DeliverySettings.jobName(config).map(name -> name + ": ").orElse("") + "flink-vision " + config.get(TASK) + " (" + modelName() + (secondary != null ? " + " + secondary.name() : "")
                + ")";
    }

    /** The model's name in results and in the job's name. */
    public String modelName() {
        if (model != null) {
            return model.name();
        }
        return config.getOptional(MODEL_NAME).orElseGet(() -> ModelConfiguration.nameOf(ModelConfiguration.modelUri(config)));
    }

    /**
     * Applies the explicitly given parallelism, checkpointing and restart settings to {@code env}
     * (the rest stay the cluster's; the log says which is which), then adds the job's operators.
     */
    public void build(StreamExecutionEnvironment env) {
        trustAvroPackages();
        ExecutionSettings.apply(config, env).forEach(setting -> LOG.info("flink-vision job: {}", setting));
        // The cluster may have given interval and timeout: check what the job will actually run with.
        DeliverySettings.checkTransactionTimeout(config,
                Duration.ofMillis(env.getCheckpointConfig().getCheckpointInterval()),
                Duration.ofMillis(env.getCheckpointConfig().getCheckpointTimeout()));
        if (config.get(UNALIGNED_CHECKPOINTS)) {
            // A slow model fills the async operator's queue and stops it reading its input: aligned
            // barriers would queue behind the buffers in front of it, unaligned ones overtake them
            // (the in-flight buffers go into the checkpoint), so checkpoints keep completing under
            // backpressure.
            env.getCheckpointConfig().enableUnalignedCheckpoints();
        }
        if (!ExecutionSettings.checkpointing(env)) {
            LOG.warn("flink-vision job: checkpointing is off (no --checkpoint-interval, none on the cluster): the"
                    + " exactly-once sinks commit only when the job ends, and a failure replays from the start");
        }

        DataStream<FrameEnvelope> input = env.fromSource(frames,
                        FrameWatermarks.strategy(config.get(MAX_OUT_OF_ORDERNESS), config.get(IDLENESS)),
                        "frames")
                .uid("frames-source");

        BatchingInferenceFunction inference = pipelineFactory != null
                ? new BatchingInferenceFunction(ModelConfiguration.runnerOptions(config), pipelineFactory)
                : new BatchingInferenceFunction(modelSource, ModelConfiguration.modelTask(config), secondarySource,
                        ModelConfiguration.secondarySettings(config), ModelConfiguration.runnerOptions(config),
                        pipelineSettings());
        SingleOutputStreamOperator<FrameOutcome> outcomes = InferenceStage.apply(input, inference,
                config.get(ORDERED), config.get(ASYNC_TIMEOUT).toMillis(), config.get(ASYNC_CAPACITY));
        outcomes.name("batching inference (" + modelName() + ")");
        // Its own slots, apart from the source, router and windows: GPU TaskManagers take the inference
        // subtasks, CPU ones the rest, and each side is scaled on its own.
        config.getOptional(INFERENCE_SLOT_SHARING_GROUP).ifPresent(outcomes::slotSharingGroup);
        config.getOptional(INFERENCE_PARALLELISM).ifPresent(outcomes::setParallelism);

        SingleOutputStreamOperator<LabelledFrame> routed = outcomes.process(new OutcomeRouter())
                .returns(OutcomeRouter.LABELLED_TYPE)
                .uid("router").name("route outcomes");
        routed.sinkTo(labelled).uid("labelled-sink").name("labelled frames");
        routed.getSideOutput(OutcomeRouter.DEAD_LETTERS).sinkTo(deadLetters)
                .uid("dead-letter-sink").name("dead letters");

        SingleOutputStreamOperator<WindowSummary> windows =
                WindowSummaries.apply(outcomes, config.get(WINDOW_SIZE), config.get(ALLOWED_LATENESS));
        if (config.getOptional(INFERENCE_SLOT_SHARING_GROUP).isPresent()) {
            // An operator inherits the group of its inputs: without this the router, the windows and
            // the sinks would follow inference into its slots.
            routed.slotSharingGroup(DEFAULT_SLOT_SHARING_GROUP);
            windows.slotSharingGroup(DEFAULT_SLOT_SHARING_GROUP);
        }
        windows.sinkTo(summaries).uid("summary-sink").name("window summaries");
        // Frames too late for their window are still labelled or dead-lettered above; here they are
        // only counted (metric lateOutcomes), so a window summary's shortfall is visible.
        windows.getSideOutput(WindowSummaries.LATE_OUTCOMES)
                .process(new LateOutcomeCounter()).uid("late-outcomes").name("count late outcomes")
                .sinkTo(new DiscardingSink<>()).uid("late-outcomes-sink").name("discard");
    }

    /**
     * Opens inference through {@code factory} instead of the model registry (tests inject faults
     * around the real runner here). Its settings should be {@link #pipelineSettings()}.
     */
    public ClassificationJob withPipelineFactory(PipelineFactory factory) {
        this.pipelineFactory = factory;
        return this;
    }

    /** The inference pipeline's settings, from the batching, limit and retry options. */
    public PipelineSettings pipelineSettings() {
        long backoff = config.get(INFERENCE_RETRY_BACKOFF).toMillis();
        FrameLimits limits = FrameLimits.defaults()
                .withMaxAspectRatio(config.get(MAX_ASPECT_RATIO))
                .withDecodeTimeoutMillis(config.get(DECODE_TIMEOUT).toMillis())
                .withMaxBytesInFlight(config.get(MAX_BYTES_IN_FLIGHT))
                .withMaxFramesInFlight(config.get(ASYNC_CAPACITY))
                // A frame waiting for room must end before the async timeout would expire it anyway.
                .withAdmissionTimeoutMillis(Math.max(1, config.get(ASYNC_TIMEOUT).toMillis() / 2));
        return new PipelineSettings(config.get(BATCH_SIZE), config.get(BATCH_WAIT).toMillis(),
                config.get(PREPROCESS_THREADS), config.get(BATCHES_IN_FLIGHT), config.get(MAX_PIXELS))
                .withLimits(limits)
                .withRetries(new RetryPolicy(config.get(INFERENCE_ATTEMPTS), backoff,
                        Math.max(backoff, 1_000), config.get(DEVICE_FAILURE_THRESHOLD)));
    }

    /** The --parallelism given, else 1: what a local cluster (the demo's) is sized for. */
    public int parallelism() {
        return config.getOptional(PARALLELISM).orElse(1);
    }

    /** Builds and submits the job; returns at once. */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(jobName());
    }

    /**
     * Avro 1.12 refuses to load classes outside trusted packages through reflection. Set here for
     * the client and local clusters; on a real cluster, deploy/ sets it in env.java.opts.
     */
    static void trustAvroPackages() {
        String key = "org.apache.avro.SERIALIZABLE_PACKAGES";
        String current = System.getProperty(key);
        if (current == null || current.isBlank()) {
            System.setProperty(key, AVRO_TRUSTED_PACKAGES);
        } else if (!current.contains(AVRO_TRUSTED_PACKAGES)) {
            System.setProperty(key, current + "," + AVRO_TRUSTED_PACKAGES);
        }
    }

    /** Exit code of a bad command line (bad flag, value or model), as picocli and the other CLIs use. */
    static final int EXIT_USAGE = 2;
    /** Exit code when Kafka cannot be reached or would refuse what the job writes (the preflight). */
    static final int EXIT_KAFKA = 1;

    public static void main(String[] args) throws Exception {
        int exit = run(args, System.out, System.err, job -> {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            job.build(env);
            env.execute(job.jobName());
        });
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** What {@link #main} does with the job once its arguments are good. */
    @FunctionalInterface
    public interface Launcher {
        void launch(ClassificationJob job) throws Exception;
    }

    /**
     * The command line: {@code --help} prints every setting and returns 0; a bad flag, value or model
     * prints one line and returns 2; Kafka that cannot be reached, refuses the credentials or would refuse
     * the job's records prints one line and returns 1; otherwise the job goes to {@code launcher}, whose
     * failures propagate. Public so that tests run the command line in-process, printing where they look.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Launcher launcher) throws Exception {
        ClassificationJob job;
        try {
            JobArguments arguments = JobArguments.parseOrHelp(args, ClassificationJobOptions.class, out);
            if (arguments == null) {
                return 0;
            }
            job = onKafka(arguments);
        } catch (IllegalArgumentException e) {
            err.println("flink-vision: " + e.getMessage() + " (--help lists the settings)");
            return EXIT_USAGE;
        } catch (KafkaPreflight.PreflightException e) {
            err.println("flink-vision: " + e.getMessage());
            return EXIT_KAFKA;
        }
        try {
            launcher.launch(job);
        } catch (InvalidSettingException e) {
            err.println("flink-vision: " + e.getMessage() + " (--help lists the settings)");
            return EXIT_USAGE;
        }
        return 0;
    }
}
