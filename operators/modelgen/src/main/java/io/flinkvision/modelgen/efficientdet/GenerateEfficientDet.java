package io.flinkvision.modelgen.efficientdet;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Command line: writes EfficientDet-D0..D7 as ONNX with seeded weights and prints the architecture
 * summary and timing. Exit codes: 0 written, 1 could not write, 2 bad usage (picocli's).
 */
@Command(name = "generate-efficientdet", mixinStandardHelpOptions = true,
        resourceBundle = "io.flinkvision.modelgen.efficientnet.version",
        version = "flink-vision EfficientDet generator ${bundle:flink-vision.version}",
        description = "Writes an EfficientDet-D0..D7 ONNX model with seeded, probe-calibrated random weights "
                + "(classes and boxes are meaningless).")
public final class GenerateEfficientDet implements Callable<Integer> {

    @Option(names = "--variant", required = true, converter = VariantConverter.class,
            description = "D0..D7 (or efficientdet-d0..d7).")
    EfficientDetVariant variant;

    @Option(names = "--out", required = true, description = "The .onnx file to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Weight seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--classes", defaultValue = "" + EfficientDetArchitecture.DEFAULT_NUM_CLASSES,
            description = "Class count (default ${DEFAULT-VALUE}: COCO ids 1..90, as the reference).")
    int classes;

    @Option(names = "--resolution", description = "Input size, a multiple of 128 (default: the variant's).")
    Integer resolution;

    @Option(names = "--uncalibrated", description = "Skip the probe calibration (fast; outputs are badly scaled).")
    boolean uncalibrated;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run it with their own output writers). */
    public static CommandLine commandLine() {
        return new CommandLine(new GenerateEfficientDet());
    }

    @Override
    public Integer call() {
        EfficientDetArchitecture arch;
        try {
            arch = EfficientDetArchitecture.of(variant, resolution == null ? variant.resolution() : resolution, classes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        EfficientDetWeightSource source = uncalibrated
                ? SeededEfficientDetWeights.uncalibrated(seed) : new SeededEfficientDetWeights(seed);
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        try {
            EfficientDetOnnxGenerator.write(arch, source, out);
            stdout.printf(Locale.ROOT, "%s%nweights: %s%nwrote %s (%,d bytes) in %.2f s%n", arch.summary(),
                    source.describe(), out.toAbsolutePath(), Files.size(out), (System.nanoTime() - start) / 1e9);
            stdout.flush();
            return 0;
        } catch (IOException | java.io.UncheckedIOException e) {
            spec.commandLine().getErr().println("error: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
    }

    /** Accepts "D3", "d3" and "efficientdet-d3". */
    static final class VariantConverter implements CommandLine.ITypeConverter<EfficientDetVariant> {
        @Override
        public EfficientDetVariant convert(String value) {
            try {
                return EfficientDetVariant.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of D0..D7");
            }
        }
    }
}
