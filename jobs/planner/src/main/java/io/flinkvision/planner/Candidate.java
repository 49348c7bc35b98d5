package io.flinkvision.planner;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture;
import io.flinkvision.modelgen.efficientdet.EfficientDetOnnxGenerator;
import io.flinkvision.modelgen.efficientdet.EfficientDetVariant;
import io.flinkvision.modelgen.efficientdet.SeededEfficientDetWeights;
import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture;
import io.flinkvision.modelgen.efficientnet.EfficientNetOnnxGenerator;
import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import io.flinkvision.modelgen.efficientnet.SeededWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One model the planner measures: a member of a {@link ModelFamily} (generated with seeded weights,
 * since speed does not depend on them) or a user's ONNX file ({@code --model}). It knows its name, input
 * resolution, paper accuracy (NaN for a file), architecture figures, where its ONNX file comes from and
 * which preprocessing its pixel path costs. Family members are canonical instances ({@code ==} works).
 */
public final class Candidate implements Comparable<Candidate> {
    private static final Map<EfficientNetVariant, Candidate> EFFICIENTNETS = new EnumMap<>(EfficientNetVariant.class);
    private static final Map<EfficientDetVariant, Candidate> EFFICIENTDETS = new EnumMap<>(EfficientDetVariant.class);

    /** COCO test-dev AP of D0..D7 (EfficientDet paper, table 2, single model, single scale). */
    private static final double[] EFFICIENTDET_AP = {34.6, 40.5, 43.0, 45.8, 49.4, 50.7, 51.7, 53.7};

    private static final Comparator<Candidate> ORDER = Comparator.comparing(Candidate::family)
            .thenComparingInt(c -> c.rank).thenComparing(Candidate::name);

    static {
        for (EfficientNetVariant v : EfficientNetVariant.values()) {
            EFFICIENTNETS.put(v, new Candidate(ModelFamily.EFFICIENTNET, v.name(), v.resolution(), v.ordinal(),
                    v.paperTop1(), v, null, null));
        }
        for (EfficientDetVariant v : EfficientDetVariant.values()) {
            EFFICIENTDETS.put(v, new Candidate(ModelFamily.EFFICIENTDET, v.name(), v.resolution(), v.ordinal(),
                    EFFICIENTDET_AP[v.ordinal()], null, v, null));
        }
    }

    private final ModelFamily family;
    private final String name;
    private final int resolution;
    private final int rank;
    private final double accuracy;
    private final EfficientNetVariant efficientNet;
    private final EfficientDetVariant efficientDet;
    private final Path file;

    private Candidate(ModelFamily family, String name, int resolution, int rank, double accuracy,
                      EfficientNetVariant efficientNet, EfficientDetVariant efficientDet, Path file) {
        this.family = family;
        this.name = name;
        this.resolution = resolution;
        this.rank = rank;
        this.accuracy = accuracy;
        this.efficientNet = efficientNet;
        this.efficientDet = efficientDet;
        this.file = file;
    }

    public static Candidate of(EfficientNetVariant v) {
        return EFFICIENTNETS.get(v);
    }

    public static Candidate of(EfficientDetVariant v) {
        return EFFICIENTDETS.get(v);
    }

    /**
     * A user's ONNX file, read as the family's task; its resolution comes from the model's input, its
     * name from the file name, its accuracy is unknown.
     */
    public static Candidate file(ModelFamily family, Path model) {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a file");
        }
        Path absolute = model.toAbsolutePath().normalize();
        String stem = absolute.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
        int resolution = spec(family, absolute).preprocess().height();
        return new Candidate(family, stem, resolution, Integer.MAX_VALUE, Double.NaN, null, null, absolute);
    }

    public ModelFamily family() {
        return family;
    }

    /** "B3", "D1", or a file's name without ".onnx". */
    public String name() {
        return name;
    }

    /** Native input height in pixels. */
    public int resolution() {
        return resolution;
    }

    /** The paper's figure in the family's unit (ImageNet top-1 %, COCO AP); NaN for a user's file. */
    public double accuracy() {
        return accuracy;
    }

    public boolean hasAccuracy() {
        return !Double.isNaN(accuracy);
    }

    /** Whether this is a user's file rather than a generated family member. */
    public boolean isFile() {
        return file != null;
    }

    /**
     * What identifies this model's measurements in the cache: the variant name for EfficientNet (as
     * before detectors were planned, so earlier caches stay valid), "efficientdet-D<n>", or the file's
     * absolute path and size (a replaced file is measured again).
     */
    public String cacheId() {
        if (file != null) {
            try {
                return "file:" + file + ";bytes=" + Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return family == ModelFamily.EFFICIENTNET ? name : "efficientdet-" + name;
    }

    /** The start of this model's cache file names (lower case, no separators but '-'). */
    public String fileStem() {
        String id = file != null ? "file-" + name : cacheId();
        return id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "_");
    }

    /** Parameters and multiply-adds; NaN for a user's file. */
    public PlanTable.Figures figures() {
        if (efficientNet != null) {
            EfficientNetArchitecture a = EfficientNetArchitecture.of(efficientNet);
            return new PlanTable.Figures(a.parameterCount() / 1e6, a.multiplyAdds() / 1e9);
        }
        if (efficientDet != null) {
            EfficientDetArchitecture a = EfficientDetArchitecture.of(efficientDet);
            return new PlanTable.Figures(a.parameterCount() / 1e6, a.multiplyAdds() / 1e9);
        }
        return new PlanTable.Figures(Double.NaN, Double.NaN);
    }

    /** The ONNX file to measure: the user's, or the seeded (seed 0) member generated once into cacheDir/models. */
    public Path modelFile(Path cacheDir) {
        if (file != null) {
            return file;
        }
        Path dir = cacheDir.resolve("models");
        Path model = dir.resolve(family.name().toLowerCase(Locale.ROOT) + "_" + name.toLowerCase(Locale.ROOT)
                + "_seed0.onnx");
        if (Files.isRegularFile(model)) {
            return model;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, model.getFileName().toString(), ".tmp");
            if (efficientNet != null) {
                EfficientNetOnnxGenerator.write(efficientNet, new SeededWeights(0), tmp);
            } else {
                EfficientDetOnnxGenerator.write(EfficientDetArchitecture.of(efficientDet),
                        new SeededEfficientDetWeights(0), tmp);
            }
            Files.move(tmp, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate " + model, e);
        }
    }

    /** How the runner reads the model: the family's task. */
    ModelSpec spec(Path model) {
        return spec(family, model);
    }

    private static ModelSpec spec(ModelFamily family, Path model) {
        return ModelSpec.builder().modelPath(model).task(family.task()).build();
    }

    /**
     * The preprocessing the pixel path costs: for EfficientNet the paper's eval transform (shorter side
     * to round(r / 0.875), center crop r); for a detector what the model's metadata says (the job's
     * letterbox), as the job and the benchmark read it.
     */
    PreprocessSpec pixelPreprocess(Path cacheDir) {
        if (efficientNet != null) {
            return PreprocessSpec.imagenet(resolution, (int) Math.round(resolution / 0.875));
        }
        return spec(modelFile(cacheDir)).preprocess();
    }

    @Override
    public int compareTo(Candidate o) {
        return ORDER.compare(this, o);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Candidate c && family == c.family && name.equals(c.name) && Objects.equals(file, c.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(family, name, file);
    }

    @Override
    public String toString() {
        return name;
    }
}
