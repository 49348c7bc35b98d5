package io.flinkvision.planner;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.measure.ModelThroughput;
import io.flinkvision.measure.ModelThroughputTimer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one model as one slot runs it: through {@link OnnxModelRunner}, one batch at a time, per
 * batch size for a fixed time ({@link ModelThroughputTimer}), on random inputs (speed does not depend
 * on the values).
 */
final class Measurer {
    private Measurer() {}

    /** The result of measuring one model: its points and whether CUDA fell back to CPU. */
    record Result(List<Measurement> measurements, String device, boolean fellBackToCpu) {}

    static Result measure(Candidate variant, Path model, RunnerOptions options, List<Integer> batchSizes,
                          double seconds) throws InferenceException {
        ModelSpec spec = variant.spec(model); // a detector's letterboxed input, read as a detector
        try (OnnxModelRunner runner = new OnnxModelRunner(spec, options)) {
            int sampleLength = spec.preprocess().sampleLength();
            List<Measurement> out = new ArrayList<>();
            for (int batch : batchSizes) {
                ModelThroughput t = ModelThroughputTimer.builder().runner(runner)
                        .batch(ModelThroughputTimer.randomBatch(batch, sampleLength, 17L * batch))
                        .duration(Duration.ofNanos((long) (seconds * 1e9))).build().time();
                out.add(new Measurement(variant, batch, t.framesPerSecond(), t.batchLatency().percentileMillis(99),
                        Math.toIntExact(t.batches())));
            }
            return new Result(out, runner.placement().device(), runner.placement().fellBackToCpu());
        }
    }
}
