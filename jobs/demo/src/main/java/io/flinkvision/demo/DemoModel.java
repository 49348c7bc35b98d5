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
        String task = userSettings.getOrDefault("task", "classify").toLowerCase(java.util.Locale.ROOT);
        if (task.startsWith("detect")) {
            return detector(userSettings, task.equals("detect+classify"));
        }
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

    /**
     * --task detect[+classify]: the pretrained YOLOX-nano stand-in with the COCO labels unless the user
     * names a detector; for detect+classify also the pretrained SqueezeNet with the ImageNet labels unless
     * the user names a secondary classifier. Without {@code ../shared} there is no pretrained detector:
     * the user must name one.
     */
    private static DemoModel detector(Map<String, String> userSettings, boolean classifyBoxes) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!userSettings.containsKey("model")) {
            Path standIn = SharedData.detectorStandIn();
            if (!Files.isRegularFile(standIn)) {
                throw new IllegalArgumentException(standIn + " not found (no ../shared?): --task detect needs a"
                        + " detector, give --model PATH");
            }
            settings.put("model", standIn.toString());
            if (!userSettings.containsKey("labels") && Files.isRegularFile(SharedData.cocoLabels())) {
                settings.put("labels", SharedData.cocoLabels().toString());
            }
        }
        if (classifyBoxes && !userSettings.containsKey("secondary-model")) {
            Path squeezeNet = SharedData.models().resolve(SharedData.PRETRAINED_STAND_IN_FILE);
            if (!Files.isRegularFile(squeezeNet)) {
                throw new IllegalArgumentException(squeezeNet + " not found (no ../shared?): --task detect+classify"
                        + " needs a classifier of the boxes, give --secondary-model PATH");
            }
            settings.put("secondary-model", squeezeNet.toString());
            if (!userSettings.containsKey("secondary-labels") && Files.isRegularFile(SharedData.labels())) {
                settings.put("secondary-labels", SharedData.labels().toString());
            }
        }
        String note = settings.containsKey("model")
                ? "detector: the pretrained YOLOX-nano stand-in (COCO, 80 classes), not an EfficientDet: no pretrained"
                        + " EfficientDet fits these machines; --model PATH takes another detector"
                : null;
        return new DemoModel(settings, false, note);
    }

    /** True when the model is one of the random-weight EfficientNets the demo knows (shared or generated). */
    static boolean isRandomWeightDefault(Path model) {
        String name = model.getFileName().toString();
        return OfflineFallbackModel.isFallback(model) || name.equals(SharedData.DEFAULT_MODEL_FILE)
                || name.equals(SharedData.PARITY_MODEL_FILE);
    }
}
