package io.flinkvision.jobs;

import static io.flinkvision.jobs.ClassificationJobOptions.*;

import io.flinkvision.operators.SharedData;
import io.flinkvision.operators.efficientnet.OfflineFallbackModel;
import io.flinkvision.operators.inference.RunnerOptions;
import io.flinkvision.operators.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the job's model and inference settings into a {@link ModelSpec} and {@link RunnerOptions}. */
public final class ModelConfiguration {
    /** Environment variable naming the default model when {@code --model} is not given. */
    public static final String MODEL_ENV = "FLINKVISION_MODEL";
    private static final Logger LOG = LoggerFactory.getLogger(ModelConfiguration.class);

    private ModelConfiguration() {}

    /** The model file: {@code --model}, else $FLINKVISION_MODEL, else the shared default EfficientNet-B0. */
    public static Path modelPath(Configuration config) {
        String configured = config.get(MODEL);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(MODEL_ENV);
        }
        return configured == null || configured.isBlank()
                ? SharedData.defaultModel()
                : Path.of(configured).toAbsolutePath().normalize();
    }

    /** True when the model is the shared random-weight EfficientNet, whose labels mean nothing. */
    public static boolean isRandomWeightDefault(Path model) {
        return OfflineFallbackModel.isFallback(model)
                || model.getFileName().toString().equals(SharedData.DEFAULT_MODEL_FILE)
                || model.getFileName().toString().equals(SharedData.PARITY_MODEL_FILE);
    }

    /**
     * @throws IllegalArgumentException with one actionable line when the model or labels are missing
     *     or contradict the settings
     */
    public static ModelSpec modelSpec(Configuration config) {
        Path model = modelPath(config);
        boolean chosenByUser = config.getOptional(MODEL).isPresent()
                || (System.getenv(MODEL_ENV) != null && !System.getenv(MODEL_ENV).isBlank());
        if (!Files.isRegularFile(model) && !chosenByUser) {
            // No ../shared here: run on a generated B0 rather than not at all, and say so loudly.
            model = OfflineFallbackModel.ensure(OfflineFallbackModel.defaultLocation());
            LOG.warn("NO TRAINED MODEL: {} not found, so running a generated EfficientNet-B0 with random weights ({});"
                    + " its labels are meaningless. Give --model PATH or set {}.", SharedData.defaultModel(), model,
                    MODEL_ENV);
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model not found: " + model
                    + " (give --model PATH, set " + MODEL_ENV + ", or put ../shared beside the checkout)");
        }
        ModelSpec.Builder builder = ModelSpec.builder().modelPath(model);
        Path labels = config.getOptional(LABELS).map(Path::of).orElse(SharedData.labels());
        if (config.getOptional(LABELS).isPresent() && !Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("labels file not found: " + labels + " (--labels)");
        }
        if (Files.isRegularFile(labels)) {
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
        return builder.build();
    }

    public static RunnerOptions runnerOptions(Configuration config) {
        return new RunnerOptions(config.get(DEVICE), config.get(CUDA_DEVICE), config.get(INTRA_OP_THREADS),
                config.get(FAIL_IF_CUDA_UNAVAILABLE));
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
