package io.flinkvision.planner;

import io.flinkvision.core.runtime.Device;
import io.flinkvision.measure.FrameSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The planner's command-line options (picocli fields, typed and defaulted here), checked by
 * {@link #validate()}. {@link CapacityPlanner} mixes them into its command; {@link #parse} reads
 * them alone.
 */
public final class PlannerOptions {
    @Option(names = "--streams", required = true, paramLabel = "N", description = "Cameras to serve.")
    private int streams;

    @Option(names = "--fps", required = true, paramLabel = "X", description = "Frames per second per camera.")
    private double fps;

    @Option(names = "--latency-budget-ms", required = true, paramLabel = "L",
            description = "Budget for the p99 latency of one batch through the model (batch_p99_ms), in ms.")
    private double latencyBudgetMillis;

    @Option(names = "--family", paramLabel = "efficientnet|efficientdet", defaultValue = "efficientnet",
            converter = FamilyConverter.class,
            description = "Model family to measure: the EfficientNet classifiers or the EfficientDet detectors "
                    + "(default: ${DEFAULT-VALUE}).")
    private ModelFamily family;

    @Option(names = "--variants", split = ",", paramLabel = "B<n>|D<n>",
            description = "Variants of --family to measure (default: B0-B4, B5-B7 on request; D0-D3, D4-D7 on "
                    + "request; none when --model is given).")
    private List<String> variants;

    @Option(names = "--model", paramLabel = "FILE",
            description = "Also measure this ONNX model (e.g. the shared YOLOX stand-in with --family efficientdet), "
                    + "read as --family's task; its accuracy is unknown, so it is recommended only if nothing "
                    + "with a known accuracy fits.")
    private Path model;

    @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "cpu",
            description = "Where the model runs (default: ${DEFAULT-VALUE}); cuda falls back to cpu with a note.")
    private Device device;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Intra-op threads per slot (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--batch-sizes", split = ",", paramLabel = "B", defaultValue = "1,2,4",
            description = "Batch sizes to measure (default: ${DEFAULT-VALUE}).")
    private List<Integer> batchSizes;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Timed seconds per batch size (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(names = "--frame", paramLabel = "WxH",
            description = "Also count decoding + preprocessing a WxH JPEG per frame (default: the model alone).")
    private FrameSize frame;

    @Option(names = "--max-slots", paramLabel = "N", defaultValue = "8",
            description = "A variant fits if it needs at most N slots (default: ${DEFAULT-VALUE}).")
    private int maxSlots;

    @Option(names = "--slots-per-tm", paramLabel = "N",
            description = "Slots per TaskManager (default: processors / threads on cpu, 1 per GPU on cuda).")
    private Integer slotsPerTaskManager;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "${sys:user.home}/.cache/flink-vision/planner",
            description = "Measurement cache (default: ${DEFAULT-VALUE}).")
    private Path cacheDir;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Write the accuracy vs frames/s chart.")
    private Path chart;

    @Option(names = "--refresh", description = "Measure again even if cached.")
    private boolean refresh;

    /** Reads options alone (no command to run), as the planner's command line would, then validates them. */
    public static PlannerOptions parse(String... args) {
        PlannerOptions options = new PlannerOptions();
        configure(new CommandLine(options)).parseArgs(args);
        options.validate();
        return options;
    }

    /** What every command line with these options needs: cpu/CUDA in any case, WxH frame sizes. */
    static CommandLine configure(CommandLine commandLine) {
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(FrameSize.class, FrameSize::parse);
    }

    /**
     * Checks what picocli's types cannot say.
     *
     * @throws IllegalArgumentException naming the option and what it needs
     */
    void validate() {
        positive(streams, "--streams");
        positive(fps, "--fps");
        positive(latencyBudgetMillis, "--latency-budget-ms");
        positive(threads, "--threads");
        positive(seconds, "--seconds");
        positive(maxSlots, "--max-slots");
        if (slotsPerTaskManager != null) {
            positive(slotsPerTaskManager, "--slots-per-tm");
        }
        for (int batch : batchSizes) {
            positive(batch, "--batch-sizes");
        }
        variants(); // names each unknown variant or missing --model file
    }

    private static void positive(double value, String option) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be > 0, got " + value);
        }
    }

    private static void positive(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
    }

    /** efficientnet or efficientdet in any case. */
    static final class FamilyConverter implements ITypeConverter<ModelFamily> {
        @Override
        public ModelFamily convert(String value) {
            try {
                return ModelFamily.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown family '" + value + "' (efficientnet or efficientdet)");
            }
        }
    }

    public ModelFamily family() {
        return family;
    }

    public int streams() {
        return streams;
    }

    public double fps() {
        return fps;
    }

    public double targetFps() {
        return streams * fps;
    }

    public double latencyBudgetMillis() {
        return latencyBudgetMillis;
    }

    /**
     * What to measure, each once, smallest first, the --model file last: the --variants of --family, or
     * its defaults when neither --variants nor --model is given.
     *
     * @throws IllegalArgumentException naming an unknown variant or a --model that is not a file
     */
    public List<Candidate> variants() {
        List<Candidate> out = new ArrayList<>();
        if (variants != null) {
            for (String name : variants) {
                try {
                    out.add(family.variant(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--variants: unknown variant '" + name + "' of --family "
                            + family.name().toLowerCase(java.util.Locale.ROOT) + " ("
                            + (family == ModelFamily.EFFICIENTNET ? "B0..B7" : "D0..D7") + ")");
                }
            }
        } else if (model == null) {
            out.addAll(family.defaults());
        }
        if (model != null) {
            out.add(Candidate.file(family, model));
        }
        return List.copyOf(new TreeSet<>(out));
    }

    public Device device() {
        return device;
    }

    /** The device as in the cache key: "cpu" or "cuda". */
    public String deviceName() {
        return device.name().toLowerCase(Locale.ROOT);
    }

    public int threads() {
        return threads;
    }

    /** The batch sizes asked for, each once, smallest first. */
    public List<Integer> batchSizes() {
        return List.copyOf(new TreeSet<>(batchSizes));
    }

    public double seconds() {
        return seconds;
    }

    /** The camera frame whose pixel path is counted; null: the model alone. */
    public FrameSize frame() {
        return frame;
    }

    /** Whether the pixel path (JPEG decode + preprocess of {@code --frame}) is counted. */
    public boolean countsPixelPath() {
        return frame != null;
    }

    public int maxSlots() {
        return maxSlots;
    }

    /**
     * Slots per TaskManager. By default a slot measured alone owns {@code threads} cores, so more slots
     * per TaskManager than cores / threads would make them share cores and fall short of the measured
     * rate; one slot drives one GPU.
     */
    public int slotsPerTaskManager() {
        if (slotsPerTaskManager != null) {
            return slotsPerTaskManager;
        }
        return device == Device.CUDA ? 1 : Math.max(1, processors() / threads);
    }

    /** Processors of this machine: what one TaskManager like it offers. */
    public int processors() {
        return Runtime.getRuntime().availableProcessors();
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** Where to write the chart; null: no chart. */
    public Path chart() {
        return chart;
    }

    public boolean refresh() {
        return refresh;
    }
}
