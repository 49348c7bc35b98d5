package io.flinkvision.demo;

import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which model the demo runs, when the user names none: the shared EfficientNet-B0 (with the shared
 * ImageNet labels), or, without {@code ../shared}, a generated B0 with seeded weights. The job itself
 * never picks a model: the demo passes its choice as the {@code model} (and {@code labels}) setting.
 *
 * @param jobSettings what to add to the job's settings, by key (empty when the user chose)
 * @param randomWeights whether the labels will be meaningless, which the demo says loudly
 * @param note one line for the console, or null
 */
record DemoModel(Map<String, String> jobSettings, boolean randomWeights, String note) {

    /**
     * @param userSettings the job settings the user gave, by key
     * @param generate run on the generated model even if {@code ../shared} is there
     * @param env the value of $FLINKVISION_MODEL (null when unset), which the job reads itself
     */
    static DemoModel choose(Map<String, String> userSettings, boolean generate, String env) {
        if (userSettings.containsKey("model") || (env != null && !env.isBlank() && !generate)) {
            return new DemoModel(Map.of(), false, null);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        Path shared = SharedData.defaultModel();
        if (!generate && Files.isRegularFile(shared)) {
            settings.put("model", shared.toString());
            if (!userSettings.containsKey("labels") && Files.isRegularFile(SharedData.labels())) {
                settings.put("labels", SharedData.labels().toString());
            }
            return new DemoModel(settings, true, null);
        }
        Path generated = OfflineFallbackModel.ensure(OfflineFallbackModel.defaultLocation());
        settings.put("model", generated.toString());
        String why = generate ? "--generated-model given" : shared + " not found (no ../shared?)";
        return new DemoModel(settings, true, "warning: " + why + ": running a generated EfficientNet-B0 with random"
                + " weights (" + generated + "); its labels are meaningless. --model PATH takes a trained model");
    }

    /** True when the model is one of the random-weight EfficientNets the demo knows (shared or generated). */
    static boolean isRandomWeightDefault(Path model) {
        String name = model.getFileName().toString();
        return OfflineFallbackModel.isFallback(model) || name.equals(SharedData.DEFAULT_MODEL_FILE)
                || name.equals(SharedData.PARITY_MODEL_FILE);
    }
}
