package io.flinkvision.demo;

import io.flinkvision.modelgen.efficientnet.OfflineFallbackModel;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which model the demo runs, when the user names none: the shared EfficientNet-B0 (with the shared
 * ImageNet labels), or, without {@code ../shared}, a generated B0 with seeded weights. The job itself
 * never picks a model: the demo passes its choice as {@code --model} (and {@code --labels}).
 *
 * @param jobArguments what to add to the job's arguments (empty when the user chose)
 * @param randomWeights whether the labels will be meaningless, which the demo says loudly
 * @param note one line for the console, or null
 */
record DemoModel(List<String> jobArguments, boolean randomWeights, String note) {

    /**
     * @param userArguments the job settings the user gave
     * @param generate run on the generated model even if {@code ../shared} is there
     * @param env the value of $FLINKVISION_MODEL (null when unset), which the job reads itself
     */
    static DemoModel choose(List<String> userArguments, boolean generate, String env) {
        boolean userModel = userArguments.stream().anyMatch(a -> a.equals("--model") || a.startsWith("--model="));
        if (userModel || (env != null && !env.isBlank() && !generate)) {
            return new DemoModel(List.of(), false, null);
        }
        List<String> args = new ArrayList<>();
        boolean userLabels = userArguments.stream().anyMatch(a -> a.equals("--labels") || a.startsWith("--labels="));
        Path shared = SharedData.defaultModel();
        if (!generate && Files.isRegularFile(shared)) {
            args.addAll(List.of("--model", shared.toString()));
            if (!userLabels && Files.isRegularFile(SharedData.labels())) {
                args.addAll(List.of("--labels", SharedData.labels().toString()));
            }
            return new DemoModel(args, true, null);
        }
        Path generated = OfflineFallbackModel.ensure(OfflineFallbackModel.defaultLocation());
        args.addAll(List.of("--model", generated.toString()));
        String why = generate ? "--generated-model given" : shared + " not found (no ../shared?)";
        return new DemoModel(args, true, "warning: " + why + ": running a generated EfficientNet-B0 with random"
                + " weights (" + generated + "); its labels are meaningless. --model PATH takes a trained model");
    }

    /** True when the model is one of the random-weight EfficientNets the demo knows (shared or generated). */
    static boolean isRandomWeightDefault(Path model) {
        String name = model.getFileName().toString();
        return OfflineFallbackModel.isFallback(model) || name.equals(SharedData.DEFAULT_MODEL_FILE)
                || name.equals(SharedData.PARITY_MODEL_FILE);
    }
}
