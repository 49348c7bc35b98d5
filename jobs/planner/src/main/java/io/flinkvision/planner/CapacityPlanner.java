package io.flinkvision.planner;

import io.flinkvision.modelgen.efficientnet.EfficientNetOnnxGenerator;
import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import io.flinkvision.modelgen.efficientnet.SeededWeights;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.OnnxEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Command line {@code plan}: measures seeded EfficientNet variants on this machine (or reads the cached
 * measurements for the same hardware fingerprint), then recommends the most accurate variant that
 * meets {@code --streams x --fps} within the p99 latency budget and {@code --max-slots}. The last line
 * is always {@code recommend variant=B<n> slots=<n> fps_per_slot=<x>}. Run with {@code -Xss8m}.
 */
public final class CapacityPlanner {
    /** Frames decoded and preprocessed to measure one variant's pixel path (after a warm-up). */
    static final int PIXEL_ITERATIONS = 200;

    private CapacityPlanner() {}

    public static void main(String[] args) {
        PlannerOptions options;
        try {
            options = PlannerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(PlannerOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options, System.out);
        } catch (InferenceException | RuntimeException e) {
            System.err.println("error: " + e);
            System.exit(1);
        }
    }

    /** Measures (or reads the cache), prints the report and returns the recommendation. */
    public static Recommendation run(PlannerOptions o, PrintStream out) throws InferenceException {
        RunnerOptions runner = o.device().equals("cuda")
                ? new RunnerOptions(Device.CUDA, 0, o.threads(), false)
                : RunnerOptions.cpu(o.threads());
        HardwareFingerprint hw = HardwareFingerprint.current(OnnxEnvironment.get().getVersion(), o.device(),
                o.threads());
        out.println("hardware: " + hw.describe());
        MeasurementCache cache = new MeasurementCache(o.cacheDir());
        List<Measurement> all = new ArrayList<>();
        boolean fellBack = false; // CUDA asked for but unavailable: the figures are CPU figures
        for (EfficientNetVariant v : o.variants()) {
            CacheKey key = new CacheKey(hw, v, o.batchSizes());
            Optional<List<Measurement>> cached = o.refresh() ? Optional.empty() : cache.read(key, o.seconds());
            if (cached.isPresent()) {
                out.println(v + ": cached (" + cache.dir().resolve(key.fileName()) + ")");
                all.addAll(cached.get());
                continue;
            }
            Path model = modelFor(v, o.cacheDir());
            long t0 = System.nanoTime();
            Measurer.Result r = Measurer.measure(v, model, runner, o.batchSizes(), o.seconds());
            out.printf(Locale.ROOT, "%s: measured on %s in %.1f s%s%n", v, r.device(), (System.nanoTime() - t0) / 1e9,
                    r.fellBackToCpu() ? " (CUDA unavailable: fell back to CPU; not cached)" : "");
            for (Measurement m : r.measurements()) {
                out.printf(Locale.ROOT, "  batch %d: %.1f frames/s, p99 %.1f ms over %d batches%n", m.batchSize(),
                        m.framesPerSecond(), m.p99Millis(), m.batches());
            }
            fellBack |= r.fellBackToCpu();
            if (!r.fellBackToCpu()) {
                cache.write(key, r.measurements(), o.seconds());
            }
            all.addAll(r.measurements());
        }
        Map<EfficientNetVariant, Double> pixelCosts = new EnumMap<>(EfficientNetVariant.class);
        if (o.countsPixelPath()) {
            all = withPixelPath(o, hw, cache, all, pixelCosts, out);
        }
        Recommendation rec = Recommendation.decide(all, o.targetFps(), o.latencyBudgetMillis(), o.maxSlots(),
                o.slotsPerTaskManager());
        if (o.chart() != null) {
            PlanChart.write(chartPoints(rec), String.format(Locale.ROOT,
                    "EfficientNet on %s, %d thread(s)/slot, p99 <= %.0f ms%s", o.device(), o.threads(),
                    o.latencyBudgetMillis(), o.countsPixelPath()
                            ? ", + " + o.frameWidth() + "x" + o.frameHeight() + " JPEG pixel path" : ""),
                    o.chart());
            out.println("chart written to " + o.chart().toAbsolutePath());
        }
        String pixelNote = o.countsPixelPath() ? o.frameWidth() + "x" + o.frameHeight() + " JPEG" : null;
        for (String line : PlanTable.lines(rec, PlanTable.Figures::of, pixelCosts, pixelNote,
                o.device().equals("cuda") && !fellBack ? "GPU(s)" : o.processors() + "-core TaskManager(s)")) {
            out.println(line);
        }
        return rec;
    }

    /** The measurements with each variant's pixel path (cached, or measured now) added; fills {@code costs}. */
    private static List<Measurement> withPixelPath(PlannerOptions o, HardwareFingerprint hw, MeasurementCache cache,
                                                   List<Measurement> modelOnly,
                                                   Map<EfficientNetVariant, Double> costs, PrintStream out) {
        for (EfficientNetVariant v : o.variants()) {
            Optional<Double> cached = o.refresh() ? Optional.empty()
                    : cache.readPixelCost(hw, v, o.frameWidth(), o.frameHeight());
            double cost = cached.orElseGet(() -> PixelPathCost.coreMillis(v, o.frameWidth(), o.frameHeight(),
                    PIXEL_ITERATIONS));
            if (cached.isEmpty()) {
                cache.writePixelCost(hw, v, o.frameWidth(), o.frameHeight(), cost);
            }
            out.printf(Locale.ROOT, "%s: decode + preprocess %dx%d JPEG to %d px: %.2f core-ms per frame%s%n", v,
                    o.frameWidth(), o.frameHeight(), v.resolution(), cost, cached.isPresent() ? " (cached)" : "");
            costs.put(v, cost);
        }
        List<Measurement> adjusted = new ArrayList<>();
        for (Measurement m : modelOnly) {
            adjusted.add(PixelPathCost.withPixelPath(m, costs.get(m.variant()), o.threads()));
        }
        return adjusted;
    }

    /** One point per variant with a measurement within budget: (fps/slot, paper top-1). */
    static List<ParetoFront.Point> chartPoints(Recommendation rec) {
        List<ParetoFront.Point> points = new ArrayList<>();
        for (VariantPlan p : rec.plans()) {
            if (p.best().isPresent()) {
                points.add(new ParetoFront.Point(p.variant().name(), p.fpsPerSlot(), p.variant().paperTop1()));
            }
        }
        return points;
    }

    /** The seeded (seed 0) ONNX model for the variant, generated once into {@code cacheDir/models}. */
    static Path modelFor(EfficientNetVariant v, Path cacheDir) {
        Path dir = cacheDir.resolve("models");
        Path model = dir.resolve("efficientnet_" + v.name().toLowerCase(Locale.ROOT) + "_seed0.onnx");
        if (Files.isRegularFile(model)) {
            return model;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, model.getFileName().toString(), ".tmp");
            EfficientNetOnnxGenerator.write(v, new SeededWeights(0), tmp);
            Files.move(tmp, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate " + model, e);
        }
    }
}
