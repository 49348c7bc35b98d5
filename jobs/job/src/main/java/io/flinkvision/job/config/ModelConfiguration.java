package io.flinkvision.job.config;

import static io.flinkvision.job.config.ClassificationJobOptions.*;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.RunnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** Turns the job's model and inference settings into a {@link ModelSpec} and {@link RunnerOptions}. */
public final class ModelConfiguration {
    /** Environment variable naming the default model when {@code --model} is not given. */
    public static final String MODEL_ENV = "FLINKVISION_MODEL";

    private ModelConfiguration() {}

    /**
     * The model file: {@code --model}, else $FLINKVISION_MODEL. The job has no built-in default: a
     * production job names its model (the demo and the tests pick one from {@code ../shared}).
     *
     * @throws IllegalArgumentException when neither is set
     */
    public static Path modelPath(Configuration config) {
        String configured = config.get(MODEL);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(MODEL_ENV);
        }
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException("no model configured: give --model PATH or set " + MODEL_ENV);
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /**
     * @throws IllegalArgumentException with one actionable line when the model or labels are missing
     *     or contradict the settings
     */
    public static ModelSpec modelSpec(Configuration config) {
        Path model = modelPath(config);
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model not found: " + model + " (--model or $" + MODEL_ENV + ")");
        }
        ModelSpec.Builder builder = ModelSpec.builder().modelPath(model);
        if (config.getOptional(LABELS).isPresent()) {
            Path labels = Path.of(config.get(LABELS));
            if (!Files.isRegularFile(labels)) {
                throw new IllegalArgumentException("labels file not found: " + labels + " (--labels)");
            }
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
