package io.flinkvision.modelgen.efficientnet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Command line: {@code generate-efficientnet --variant B3 --out FILE [--seed N | --import-weights FILE]}.
 * Writes EfficientNet-B0..B7 as ONNX with seeded (default seed 0) or imported weights and prints the
 * architecture summary and timing. {@code --uncalibrated} skips the probe calibration of seeded weights.
 * Exit codes: 0 written, 1 the model could not be written, 2 bad flags (picocli's usage message follows
 * the error). Run with {@code -Xss8m} if ONNX Runtime is on a long class path.
 */
@Command(name = "generate-efficientnet", mixinStandardHelpOptions = true, sortOptions = false,
        usageHelpAutoWidth = true, resourceBundle = "io.flinkvision.modelgen.efficientnet.version",
        version = "flink-vision EfficientNet generator ${bundle:flink-vision.version}",
        description = "Writes EfficientNet-B0..B7 as ONNX (opset 13, dynamic batch) with seeded or imported weights.")
public final class GenerateEfficientNet implements Callable<String> {
    @Option(names = "--variant", required = true, paramLabel = "B0..B7", converter = VariantConverter.class,
            description = "the variant to write (B0 to B7, or efficientnet-b3 and the like)")
    private EfficientNetVariant variant;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the ONNX file to write")
    private Path out;

    @ArgGroup(exclusive = true)
    private Weights weights = new Weights();

    /** Seeded or imported weights, not both. */
    static final class Weights {
        @Option(names = "--seed", paramLabel = "N", description = "seed of the generated weights (default: 0)")
        private Long seed;

        @Option(names = "--import-weights", paramLabel = "FILE",
                description = "take the weights, by name and shape, from this EfficientNet ONNX file")
        private Path importFrom;
    }

    @Option(names = "--uncalibrated", description = "skip the probe calibration of seeded weights")
    private boolean uncalibrated;

    @Spec
    private CommandSpec spec;

    private GenerateEfficientNet() {}

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code instead of exiting (for tests). */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new GenerateEfficientNet())
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setExecutionExceptionHandler((e, cl, parsed) -> {
                    cl.getErr().println("error: " + e.getMessage());
                    return cl.getCommandSpec().exitCodeOnExecutionException();
                });
        int exit = commandLine.execute(args);
        String report = commandLine.getExecutionResult();
        if (report != null) {
            out.println(report);
        }
        return exit;
    }

    /**
     * Generates as the arguments say and returns the report (the usage message for {@code --help}).
     *
     * @throws IllegalArgumentException on bad usage (unknown or missing flags, bad values)
     */
    public static String run(String... args) {
        GenerateEfficientNet command = new GenerateEfficientNet();
        CommandLine commandLine = new CommandLine(command);
        try {
            commandLine.parseArgs(args);
            return commandLine.isUsageHelpRequested() ? commandLine.getUsageMessage() : command.call();
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public String call() {
        WeightSource source;
        if (weights.importFrom != null) {
            if (!Files.isRegularFile(weights.importFrom)) {
                throw new ParameterException(spec.commandLine(), "--import-weights: no such file: " + weights.importFrom);
            }
            try {
                source = ImportedWeights.from(weights.importFrom);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--import-weights: " + e.getMessage(), e);
            }
        } else {
            long seed = weights.seed == null ? 0 : weights.seed;
            source = uncalibrated ? SeededWeights.uncalibrated(seed) : new SeededWeights(seed);
        }
        EfficientNetArchitecture arch = EfficientNetArchitecture.of(variant);
        long start = System.nanoTime();
        EfficientNetOnnxGenerator.write(arch, source, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes;
        try {
            bytes = Files.size(out);
        } catch (IOException e) {
            bytes = -1;
        }
        return String.format(Locale.ROOT, "%s%nweights: %s%nwrote %s (%,d bytes) in %.2f s",
                arch.summary(), source.describe(), out.toAbsolutePath(), bytes, seconds);
    }

    /** {@link EfficientNetVariant#parse}, with its error as picocli's message. */
    static final class VariantConverter implements ITypeConverter<EfficientNetVariant> {
        @Override
        public EfficientNetVariant convert(String value) {
            try {
                return EfficientNetVariant.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of B0..B7");
            }
        }
    }
}
