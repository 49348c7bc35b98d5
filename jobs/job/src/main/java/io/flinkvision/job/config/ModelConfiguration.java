package io.flinkvision.job.config;

import static io.flinkvision.job.config.ClassificationJobOptions.*;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.CudaSettings;
import io.flinkvision.core.model.ModelTask;
import io.flinkvision.core.pipeline.SecondarySettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.flink.ModelSpecSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;

/** Turns the job's model and inference settings into a {@link ModelSpec} and {@link RunnerOptions}. */
public final class ModelConfiguration {
    /** Environment variable naming the default model when {@code --model} is not given. */
    public static final String MODEL_ENV = "FLINKVISION_MODEL";

    private ModelConfiguration() {}

    /**
     * Where the model is: {@code --model}, else $FLINKVISION_MODEL, as given (a path or a URI). The job
     * has no built-in default: a production job names its model (the demo and the tests pick one from
     * {@code ../shared}).
     *
     * @throws IllegalArgumentException when neither is set
     */
    public static String modelLocation(Configuration config) {
        String configured = config.get(MODEL);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(MODEL_ENV);
        }
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException("no model configured: give --model PATH|URI or set " + MODEL_ENV);
        }
        return configured.trim();
    }

    /** {@link #modelLocation} as a URI ({@code file:} for a plain path). */
    public static URI modelUri(Configuration config) {
        return ModelFiles.toUri(modelLocation(config));
    }

    /**
     * The settings the TaskManagers get: these, with the model location resolved here (the environment
     * variable is the client's, not theirs) and the pin checked.
     *
     * @throws IllegalArgumentException when no model is configured or the pin is not a SHA-256
     */
    public static Configuration forTaskManagers(Configuration config) {
        Configuration resolved = new Configuration(config);
        resolved.set(MODEL, modelUri(config).toString());
        ModelFiles.normalizeSha256(config.get(MODEL_SHA256));
        config.getOptional(LABELS).ifPresent(labels -> resolved.set(LABELS, ModelFiles.toUri(labels).toString()));
        config.getOptional(SECONDARY_MODEL).ifPresent(m -> resolved.set(SECONDARY_MODEL, ModelFiles.toUri(m).toString()));
        config.getOptional(SECONDARY_LABELS)
                .ifPresent(l -> resolved.set(SECONDARY_LABELS, ModelFiles.toUri(l).toString()));
        return resolved;
    }

    /**
     * The model's spec as this JVM sees it, when it can read the model (and labels): that validates
     * the model and its pin before submission. Empty when it cannot: in application mode this runs on
     * the JobManager, which need not have the models; the TaskManagers then load and check it in open().
     *
     * @throws IllegalArgumentException when the model is readable here but bad, or does not match its pin
     */
    public static Optional<ModelSpec> specIfReadable(Configuration config) {
        Configuration resolved = forTaskManagers(config);
        URI model = URI.create(resolved.get(MODEL));
        URI labels = resolved.getOptional(LABELS).map(URI::create).orElse(null);
        if (!ModelFiles.readableHere(model) || (labels != null && !ModelFiles.readableHere(labels))) {
            return Optional.empty();
        }
        try {
            return Optional.of(fetchAndBuild(resolved));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model " + model + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the inference operator resolves in open(): the model (and labels) fetched through Flink's
     * FileSystem on the TaskManager, checked against {@code --model-sha256}, then inspected.
     */
    public static ModelSpecSource onTaskManagers(Configuration config) {
        return new TaskManagerModel(forTaskManagers(config));
    }

    /**
     * The spec of a model readable here, fetched and checked like the TaskManagers do.
     *
     * @throws IllegalArgumentException with one actionable line when the model or labels are missing
     *     or contradict the settings
     */
    public static ModelSpec modelSpec(Configuration config) {
        try {
            return fetchAndBuild(forTaskManagers(config));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model " + config.get(MODEL) + ": " + e.getMessage(), e);
        }
    }

    /** Fetches the model and labels named by URI in {@code resolved} and builds the spec. */
    static ModelSpec fetchAndBuild(Configuration resolved) throws IOException {
        Path cache = ModelFiles.defaultCacheDirectory();
        URI uri = URI.create(resolved.get(MODEL));
        Path model = ModelFiles.localFile(uri, resolved.get(MODEL_SHA256), cache);
        Path labels = resolved.getOptional(LABELS).isPresent()
                ? ModelFiles.localFile(URI.create(resolved.get(LABELS)), null, cache) : null;
        Configuration named = resolved;
        if (resolved.getOptional(MODEL_NAME).isEmpty() && !"file".equals(uri.getScheme())) {
            // A cached copy's file name starts with its digest: name the model after its URI instead.
            named = new Configuration(resolved);
            named.set(MODEL_NAME, nameOf(uri));
        }
        return modelSpec(named, model, labels);
    }

    /** A model's default name: the file name of its location without {@code .onnx}. */
    public static String nameOf(URI model) {
        String path = model.getPath();
        String file = path == null || path.isEmpty() ? "model" : path.substring(path.lastIndexOf('/') + 1);
        return file.endsWith(".onnx") ? file.substring(0, file.length() - ".onnx".length()) : file;
    }

    /**
     * The spec of a local model file with the configured contract.
     *
     * @param labels the local labels file, or null for class_<index> labels
     */
    public static ModelSpec modelSpec(Configuration config, Path model, Path labels) {
        JobTask task = config.get(TASK);
        ModelSpec.Builder builder = ModelSpec.builder().modelPath(model);
        if (task.detects()) {
            builder.task(ModelTask.DETECTION);
        }
        if (labels != null) {
            builder.labelsPath(labels);
        }
        config.getOptional(MODEL_NAME).ifPresent(builder::name);
        config.getOptional(INPUT_NAME).ifPresent(builder::inputName);
        config.getOptional(OUTPUT_NAME).ifPresent(builder::outputName);
        config.getOptional(LAYOUT).ifPresent(builder::layout);
        config.getOptional(INPUT_SIZE).ifPresent(s -> builder.inputSize(s, s));
        config.getOptional(RESIZE_SHORTER_SIDE).ifPresent(builder::resizeShorterSide);
        config.getOptional(CHANNEL_ORDER).ifPresent(builder::channelOrder);
        config.getOptional(MEAN).ifPresent(m -> builder.mean(floats(MEAN.key(), m)));
        config.getOptional(STD).ifPresent(s -> builder.std(floats(STD.key(), s)));
        config.getOptional(OUTPUT_KIND).ifPresent(builder::outputKind);
        config.getOptional(CLASS_OFFSET).ifPresent(builder::classOffset);
        builder.topK(config.get(TOP_K));
        config.getOptional(RESIZE_MODE).ifPresent(builder::resizeMode);
        config.getOptional(RESIZE_FILTER).ifPresent(builder::resizeFilter);
        config.getOptional(PIXEL_RANGE).ifPresent(builder::pixelRange);
        config.getOptional(PAD_VALUE).ifPresent(builder::padValue);
        config.getOptional(MODEL_BATCH_SIZE).ifPresent(builder::fixedBatchSize);
        config.getOptional(DECODER).ifPresent(builder::decoder);
        config.getOptional(DETECTOR_OUTPUTS).ifPresent(builder::detectorOutputs);
        config.getOptional(SCORE_THRESHOLD).ifPresent(builder::scoreThreshold);
        config.getOptional(NMS_IOU).ifPresent(builder::nmsIouThreshold);
        config.getOptional(MAX_DETECTIONS).ifPresent(builder::maxDetections);
        config.getOptional(BOX_FORMAT).ifPresent(builder::boxFormat);
        config.getOptional(NORMALIZED_BOXES).ifPresent(builder::normalizedBoxes);
        ModelSpec spec = builder.build();
        if (task == JobTask.CLASSIFY && spec.task() == ModelTask.DETECTION) {
            throw new IllegalArgumentException("model " + model + " is a detector (its outputs are a detector's or a"
                    + " --decoder is set): run it with --task detect or --task detect+classify");
        }
        return spec;
    }

    /** What the model must be for the configured --task. */
    public static ModelTask modelTask(Configuration config) {
        return config.get(TASK).detects() ? ModelTask.DETECTION : ModelTask.CLASSIFICATION;
    }

    /**
     * Checks the secondary classifier's settings against --task: with detect+classify
     * {@code --secondary-model} is required, with any other task it is refused.
     *
     * @return whether there is a secondary classifier
     * @throws IllegalArgumentException saying which flag to add or drop
     */
    public static boolean hasSecondary(Configuration config) {
        JobTask task = config.get(TASK);
        String configured = config.get(SECONDARY_MODEL);
        if (task != JobTask.DETECT_AND_CLASSIFY) {
            if (configured != null) {
                throw new IllegalArgumentException("--secondary-model classifies detected boxes: it needs"
                        + " --task detect+classify, not " + task);
            }
            return false;
        }
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException("--task detect+classify needs the classifier of the boxes:"
                    + " give --secondary-model PATH|URI");
        }
        return true;
    }

    /**
     * The classifier of the detected boxes with {@code --task detect+classify}, fetched and checked
     * here; null for any other task.
     *
     * @throws IllegalArgumentException when it is missing, unreadable, not a classifier, or given for another task
     */
    public static ModelSpec secondarySpec(Configuration config) {
        if (!hasSecondary(config)) {
            return null;
        }
        try {
            return fetchAndBuildSecondary(forTaskManagers(config));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secondary model " + config.get(SECONDARY_MODEL) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The secondary classifier's spec where this JVM can read it (see {@link #specIfReadable}); else empty. */
    public static Optional<ModelSpec> secondarySpecIfReadable(Configuration config) {
        if (!hasSecondary(config)) {
            return Optional.empty();
        }
        Configuration resolved = forTaskManagers(config);
        URI model = URI.create(resolved.get(SECONDARY_MODEL));
        URI labels = resolved.getOptional(SECONDARY_LABELS).map(URI::create).orElse(null);
        if (!ModelFiles.readableHere(model) || (labels != null && !ModelFiles.readableHere(labels))) {
            return Optional.empty();
        }
        return Optional.of(secondarySpec(config));
    }

    /** What the inference operator resolves in open() for the secondary classifier; null without one. */
    public static ModelSpecSource secondaryOnTaskManagers(Configuration config) {
        return hasSecondary(config) ? new TaskManagerSecondary(forTaskManagers(config)) : null;
    }

    /** Which boxes the secondary classifier labels; null unless {@code --task detect+classify}. */
    public static SecondarySettings secondarySettings(Configuration config) {
        return config.get(TASK) == JobTask.DETECT_AND_CLASSIFY
                ? new SecondarySettings(config.get(SECONDARY_MIN_SCORE), config.get(SECONDARY_MAX_BOXES))
                : null;
    }

    static ModelSpec fetchAndBuildSecondary(Configuration resolved) throws IOException {
        Path cache = ModelFiles.defaultCacheDirectory();
        Path model = ModelFiles.localFile(URI.create(resolved.get(SECONDARY_MODEL)), null, cache);
        ModelSpec.Builder builder = ModelSpec.builder().modelPath(model).task(ModelTask.CLASSIFICATION)
                .topK(resolved.get(SECONDARY_TOP_K));
        if (resolved.getOptional(SECONDARY_LABELS).isPresent()) {
            builder.labelsPath(ModelFiles.localFile(URI.create(resolved.get(SECONDARY_LABELS)), null, cache));
        }
        return builder.build();
    }

    /** A {@link ModelSpecSource} that fetches and inspects the secondary classifier where it runs. */
    private record TaskManagerSecondary(Configuration config) implements ModelSpecSource {
        @Override
        public ModelSpec resolve() throws IOException {
            return fetchAndBuildSecondary(config);
        }
    }

    /** A {@link ModelSpecSource} that fetches and inspects the model where it runs. */
    private record TaskManagerModel(Configuration config) implements ModelSpecSource {
        @Override
        public ModelSpec resolve() throws IOException {
            return fetchAndBuild(config);
        }
    }

    public static RunnerOptions runnerOptions(Configuration config) {
        CudaSettings cuda = new CudaSettings(config.get(CUDA_MEMORY_LIMIT).getBytes(),
                config.get(CUDA_ARENA_EXTEND_STRATEGY), config.get(CUDNN_CONV_ALGO_SEARCH));
        return new RunnerOptions(config.get(DEVICE), config.get(CUDA_DEVICE), config.get(INTRA_OP_THREADS),
                config.get(FAIL_IF_CUDA_UNAVAILABLE), cuda);
    }

    private static float[] floats(String key, List<String> values) {
        if (values.size() != 3) {
            throw new IllegalArgumentException("--" + key + " needs 3 values separated by ';', got " + values);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            try {
                out[i] = Float.parseFloat(values.get(i).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + ": '" + values.get(i) + "' is not a number");
            }
        }
        return out;
    }
}
