package io.flinkvision.planner;

import io.flinkvision.core.model.OnnxEnvironment;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.measure.FrameSize;
import io.flinkvision.measure.PixelPathTimer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Command line {@code plan}: measures seeded EfficientNet (or, with {@code --family efficientdet},
 * EfficientDet) variants and any {@code --model} file on this machine (or reads the cached measurements
 * for the same hardware fingerprint), then recommends the most accurate variant that meets
 * {@code --streams x --fps} within the batch p99 budget and {@code --max-slots}. The last line is always
 * {@code recommend variant=<name> slots=<n> fps_per_slot=<x>}. Run with {@code -Xss8m}.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Measures EfficientNet classifiers (or EfficientDet detectors, --family efficientdet) on "
                + "this machine through the job's ONNX Runtime runner (cached per hardware fingerprint) and "
                + "recommends the most accurate one that serves --streams x --fps frames/s within --max-slots "
                + "slots, its batch p99 within --latency-budget-ms."},
        footer = {"", "The last line is always: recommend variant=<name> slots=<n> fps_per_slot=<x>",
                "Exit codes: 0 done, 1 measuring failed, 2 bad options."})
public final class CapacityPlanner implements Callable<Integer> {
    /** Frames decoded and preprocessed to cost one variant's pixel path (after a warm-up of 100). */
    static final int PIXEL_FRAMES = 200;

    @Mixin
    private PlannerOptions options;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The planner's command line: parses, validates (exit 2 with usage), runs (exit 1 on failure). */
    static CommandLine commandLine() {
        CommandLine commandLine = PlannerOptions.configure(new CommandLine(new CapacityPlanner()));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("error: " + e);
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws InferenceException {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        run(options, System.out);
        return 0;
    }

    /** Measures (or reads the cache), prints the report and returns the recommendation. */
    public static Recommendation run(PlannerOptions o, PrintStream out) throws InferenceException {
        RunnerOptions runner = o.device() == Device.CUDA
                ? new RunnerOptions(Device.CUDA, 0, o.threads(), false)
                : RunnerOptions.cpu(o.threads());
        HardwareFingerprint hw = HardwareFingerprint.current(OnnxEnvironment.get().getVersion(), o.deviceName(),
                o.threads());
        out.println("hardware: " + hw.describe());
        MeasurementCache cache = new MeasurementCache(o.cacheDir());
        List<Measurement> all = new ArrayList<>();
        boolean fellBack = false; // CUDA asked for but unavailable: the figures are CPU figures
        List<Candidate> candidates = o.variants();
        for (Candidate v : candidates) {
            CacheKey key = new CacheKey(hw, v, o.batchSizes());
            Optional<List<Measurement>> cached = o.refresh() ? Optional.empty() : cache.read(key, o.seconds());
            if (cached.isPresent()) {
                out.println(v + ": cached (" + cache.dir().resolve(key.fileName()) + ")");
                all.addAll(cached.get());
                continue;
            }
            Path model = v.modelFile(o.cacheDir());
            long t0 = System.nanoTime();
            Measurer.Result r = Measurer.measure(v, model, runner, o.batchSizes(), o.seconds());
            out.printf(Locale.ROOT, "%s: measured on %s in %.1f s%s%n", v, r.device(), (System.nanoTime() - t0) / 1e9,
                    r.fellBackToCpu() ? " (CUDA unavailable: fell back to CPU; not cached)" : "");
            for (Measurement m : r.measurements()) {
                out.printf(Locale.ROOT, "  batch %d: %.1f frames/s, batch p99 %.1f ms over %d batches%n",
                        m.batchSize(), m.framesPerSecond(), m.batchP99Millis(), m.batches());
            }
            fellBack |= r.fellBackToCpu();
            if (!r.fellBackToCpu()) {
                cache.write(key, r.measurements(), o.seconds());
            }
            all.addAll(r.measurements());
        }
        Map<Candidate, Double> pixelCosts = new HashMap<>();
        if (o.countsPixelPath()) {
            all = withPixelPath(o, candidates, hw, cache, all, pixelCosts, out);
        }
        Recommendation rec = Recommendation.decide(all, o.targetFps(), o.latencyBudgetMillis(), o.maxSlots(),
                o.slotsPerTaskManager());
        if (o.chart() != null && chartPoints(rec).isEmpty()) {
            out.println("no chart: nothing with a known accuracy met the latency budget");
        } else if (o.chart() != null) {
            PlanChart.write(chartPoints(rec), String.format(Locale.ROOT,
                    "%s on %s, %d thread(s)/slot, batch p99 <= %.0f ms%s", o.family().displayName(), o.deviceName(),
                    o.threads(),
                    o.latencyBudgetMillis(), o.countsPixelPath() ? ", + " + o.frame() + " JPEG pixel path" : ""),
                    o.family().accuracyAxis(), o.chart());
            out.println("chart written to " + o.chart().toAbsolutePath());
        }
        String pixelNote = o.countsPixelPath() ? o.frame() + " JPEG" : null;
        for (String line : PlanTable.lines(rec, PlanTable.Figures::of, pixelCosts, pixelNote,
                o.device() == Device.CUDA && !fellBack ? "GPU(s)" : o.processors() + "-core TaskManager(s)")) {
            out.println(line);
        }
        return rec;
    }

    /** The measurements with each variant's pixel path (cached, or measured now) added; fills {@code costs}. */
    private static List<Measurement> withPixelPath(PlannerOptions o, List<Candidate> candidates, HardwareFingerprint hw,
                                                   MeasurementCache cache, List<Measurement> modelOnly,
                                                   Map<Candidate, Double> costs, PrintStream out) {
        FrameSize frame = o.frame();
        byte[] jpeg = null;
        for (Candidate v : candidates) {
            Optional<Double> cached = o.refresh() ? Optional.empty() : cache.readPixelCost(hw, v, frame);
            double cost;
            if (cached.isPresent()) {
                cost = cached.get();
            } else {
                jpeg = jpeg != null ? jpeg : CameraLikeFrame.jpeg(frame, 7);
                cost = PixelPathTimer.builder().jpegs(List.of(jpeg)).preprocess(v.pixelPreprocess(o.cacheDir()))
                        .timedFrames(PIXEL_FRAMES).build().time().meanCoreMillis();
                cache.writePixelCost(hw, v, frame, cost);
            }
            out.printf(Locale.ROOT, "%s: decode + preprocess %s JPEG to %d px: %.2f core-ms per frame (mean)%s%n", v,
                    frame, v.resolution(), cost, cached.isPresent() ? " (cached)" : "");
            costs.put(v, cost);
        }
        List<Measurement> adjusted = new ArrayList<>();
        for (Measurement m : modelOnly) {
            adjusted.add(SlotCostModel.withPixelPath(m, costs.get(m.variant()), o.threads()));
        }
        return adjusted;
    }

    /** One point per variant with a measurement within budget and a known accuracy: (fps/slot, paper accuracy). */
    static List<ParetoFront.Point> chartPoints(Recommendation rec) {
        List<ParetoFront.Point> points = new ArrayList<>();
        for (VariantPlan p : rec.plans()) {
            if (p.best().isPresent() && p.variant().hasAccuracy()) {
                points.add(new ParetoFront.Point(p.variant().name(), p.fpsPerSlot(), p.variant().accuracy()));
            }
        }
        return points;
    }
}
