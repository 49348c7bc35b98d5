package io.flinkvision.planner;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The planner's command-line options, parsed and checked. */
public record PlannerOptions(List<EfficientNetVariant> variants, int streams, double fps, double latencyBudgetMillis,
                             String device, int threads, List<Integer> batchSizes, double seconds, Path cacheDir,
                             Path chart, boolean refresh, int maxSlots, int slotsPerTaskManager, int frameWidth,
                             int frameHeight) {

    static final String USAGE = String.join("\n",
            "usage: plan --streams N --fps X --latency-budget-ms L [options]",
            "  --variants B0,B1,...     variants to measure (default B0,B1,B2,B3,B4; B5-B7 on request)",
            "  --device cpu|cuda        (default cpu; cuda falls back to cpu with a note)",
            "  --threads T              intra-op threads per slot (default 1)",
            "  --batch-sizes 1,2,4      batch sizes to measure (default 1,2,4)",
            "  --seconds S              timed seconds per batch size (default 2)",
            "  --frame WxH              also count decoding + preprocessing a WxH JPEG per frame (default: model only)",
            "  --max-slots N            a variant fits if it needs at most N slots (default 8)",
            "  --slots-per-tm N         slots per TaskManager (default: processors / threads on cpu, 1 per GPU on cuda)",
            "  --cache DIR              (default ${user.home}/.cache/flink-vision/planner)",
            "  --chart FILE.png         write accuracy vs frames/s chart",
            "  --refresh                measure again even if cached");

    public double targetFps() {
        return streams * fps;
    }

    /** Processors of this machine: what one TaskManager like it offers. */
    public int processors() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Whether the pixel path (JPEG decode + preprocess of {@code --frame}) is counted. */
    public boolean countsPixelPath() {
        return frameWidth > 0;
    }

    public static PlannerOptions parse(String... args) {
        List<EfficientNetVariant> variants = List.of(EfficientNetVariant.B0, EfficientNetVariant.B1,
                EfficientNetVariant.B2, EfficientNetVariant.B3, EfficientNetVariant.B4);
        Integer streams = null;
        Double fps = null;
        Double budget = null;
        String device = "cpu";
        int threads = 1;
        List<Integer> batches = List.of(1, 2, 4);
        double seconds = 2;
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "flink-vision", "planner");
        Path chart = null;
        boolean refresh = false;
        int maxSlots = 8;
        Integer slotsPerTm = null;
        int frameWidth = 0;
        int frameHeight = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--variants" -> {
                    List<EfficientNetVariant> vs = new ArrayList<>();
                    for (String s : value(args, ++i, a).split(",")) {
                        try {
                            vs.add(EfficientNetVariant.parse(s));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("unknown variant '" + s + "' (B0..B7)");
                        }
                    }
                    variants = List.copyOf(new java.util.TreeSet<>(vs));
                }
                case "--streams" -> streams = positiveInt(value(args, ++i, a), a);
                case "--fps" -> fps = positive(value(args, ++i, a), a);
                case "--latency-budget-ms" -> budget = positive(value(args, ++i, a), a);
                case "--device" -> {
                    device = value(args, ++i, a).toLowerCase(Locale.ROOT);
                    if (!device.equals("cpu") && !device.equals("cuda")) {
                        throw new IllegalArgumentException("--device must be cpu or cuda, got " + device);
                    }
                }
                case "--threads" -> threads = positiveInt(value(args, ++i, a), a);
                case "--batch-sizes" -> {
                    List<Integer> bs = new ArrayList<>();
                    for (String s : value(args, ++i, a).split(",")) {
                        bs.add(positiveInt(s.trim(), a));
                    }
                    batches = List.copyOf(new java.util.TreeSet<>(bs));
                }
                case "--seconds" -> seconds = positive(value(args, ++i, a), a);
                case "--max-slots" -> maxSlots = positiveInt(value(args, ++i, a), a);
                case "--slots-per-tm" -> slotsPerTm = positiveInt(value(args, ++i, a), a);
                case "--cache" -> cache = Path.of(value(args, ++i, a));
                case "--chart" -> chart = Path.of(value(args, ++i, a));
                case "--refresh" -> refresh = true;
                case "--frame" -> {
                    String v = value(args, ++i, a);
                    String[] wh = v.toLowerCase(Locale.ROOT).split("x");
                    if (wh.length != 2) {
                        throw new IllegalArgumentException("--frame needs WIDTHxHEIGHT, e.g. 1280x720, got '" + v + "'");
                    }
                    frameWidth = positiveInt(wh[0], a);
                    frameHeight = positiveInt(wh[1], a);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (streams == null || fps == null || budget == null) {
            throw new IllegalArgumentException("--streams, --fps and --latency-budget-ms are required");
        }
        if (slotsPerTm == null) {
            // A slot measured alone owns `threads` cores; more slots per TaskManager than cores / threads would
            // make them share cores and fall short of the measured rate. One slot drives one GPU.
            slotsPerTm = device.equals("cuda") ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
        }
        return new PlannerOptions(variants, streams, fps, budget, device, threads, batches, seconds, cache, chart,
                refresh, maxSlots, slotsPerTm, frameWidth, frameHeight);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static double positive(String s, String flag) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + s + "'");
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(flag + " must be > 0, got " + s);
        }
        return v;
    }

    private static int positiveInt(String s, String flag) {
        try {
            int v = Integer.parseInt(s);
            if (v < 1) {
                throw new IllegalArgumentException(flag + " must be >= 1, got " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got '" + s + "'");
        }
    }
}
