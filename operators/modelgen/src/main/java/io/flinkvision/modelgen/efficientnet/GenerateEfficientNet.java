package io.flinkvision.modelgen.efficientnet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Command line: {@code GenerateEfficientNet --variant B3 --out FILE [--seed N | --import-weights FILE]}.
 * Writes EfficientNet-B0..B7 as ONNX with seeded (default seed 0) or imported weights and prints the
 * architecture summary and timing. {@code --uncalibrated} skips the probe calibration of seeded weights.
 * Run with {@code -Xss8m} if ONNX Runtime is on a long class path.
 */
public final class GenerateEfficientNet {
    private GenerateEfficientNet() {}

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
    }

    /** Generates as the arguments say and returns the report line; throws IllegalArgumentException on bad usage. */
    public static String run(String... args) {
        EfficientNetVariant variant = null;
        Path out = null;
        Long seed = null;
        Path importFrom = null;
        boolean calibrate = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--variant" -> variant = EfficientNetVariant.parse(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--import-weights" -> importFrom = Path.of(value(args, ++i, a));
                case "--uncalibrated" -> calibrate = false;
                case "-h", "--help" -> {
                    return usage();
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (variant == null || out == null) {
            throw new IllegalArgumentException("--variant and --out are required");
        }
        if (seed != null && importFrom != null) {
            throw new IllegalArgumentException("use either --seed or --import-weights");
        }
        WeightSource source;
        if (importFrom != null) {
            if (!Files.isRegularFile(importFrom)) {
                throw new IllegalArgumentException("no such file: " + importFrom);
            }
            source = ImportedWeights.from(importFrom);
        } else {
            long s = seed == null ? 0 : seed;
            source = calibrate ? new SeededWeights(s) : SeededWeights.uncalibrated(s);
        }
        EfficientNetArchitecture arch = EfficientNetArchitecture.of(variant);
        long start = System.nanoTime();
        EfficientNetOnnxGenerator.write(arch, source, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes;
        try {
            bytes = Files.size(out);
        } catch (java.io.IOException e) {
            bytes = -1;
        }
        return String.format(Locale.ROOT, "%s%nweights: %s%nwrote %s (%,d bytes) in %.2f s",
                arch.summary(), source.describe(), out.toAbsolutePath(), bytes, seconds);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    static String usage() {
        return "usage: GenerateEfficientNet --variant B0..B7 --out FILE [--seed N [--uncalibrated] | --import-weights FILE]";
    }
}
