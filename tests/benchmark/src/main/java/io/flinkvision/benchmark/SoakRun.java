package io.flinkvision.benchmark;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.measure.FrameSize;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.internal.FrameOutcome;
import io.flinkvision.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The native-memory soak: the in-process pipeline (real JPEG decode, PIL-exact preprocess, ONNX
 * Runtime) at a steady frame rate for many minutes, sampling this process's resident set size
 * ({@code VmRSS} in /proc/self/status). Heap growth shows in the GC; native growth (tensors, ORT
 * arenas, direct buffers) only here. After the warm-up, a least-squares line through the samples
 * gives the slope: what a leak would look like, in MiB per hour.
 */
@Command(name = "soak", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the in-process pipeline at a steady rate and prints the resident set size (VmRSS) over"
                + " time and its slope after the warm-up."})
public final class SoakRun implements Callable<Integer> {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Option(names = "--model", paramLabel = "PATH", description = "ONNX model (default: the shared EfficientNet-B0 bncal).")
    Path model;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "10", description = "Length of the run (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--warmup-minutes", paramLabel = "M", defaultValue = "2",
            description = "Samples before this are left out of the slope (default: ${DEFAULT-VALUE}).")
    double warmupMinutes;

    @Option(names = "--fps", paramLabel = "X", defaultValue = "10",
            description = "Frames submitted per second, steady (default: ${DEFAULT-VALUE}); below capacity, or it measures a backlog.")
    double fps;

    @Option(names = "--sample-seconds", paramLabel = "S", defaultValue = "5", description = "(default: ${DEFAULT-VALUE})")
    int sampleSeconds;

    @Option(names = "--frame-size", paramLabel = "WxH", defaultValue = "640x480", description = "(default: ${DEFAULT-VALUE})")
    FrameSize frameSize;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakRun()).registerConverter(FrameSize.class, FrameSize::parse).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0) || !(fps > 0) || sampleSeconds < 1 || !(warmupMinutes >= 0) || warmupMinutes >= minutes) {
            throw new ParameterException(spec.commandLine(),
                    "need --minutes > --warmup-minutes >= 0, --fps > 0 and --sample-seconds >= 1");
        }
        Path modelPath = model != null ? model : SharedData.defaultModel();
        ModelSpec modelSpec = ModelSpec.builder().modelPath(modelPath).labelsPath(SharedData.labels()).build();
        List<byte[]> jpegs = BenchmarkFrames.jpegs(SharedData.images(), frameSize.width(), frameSize.height());
        System.out.printf(Locale.ROOT, "soak: %s, %.1f frames/s for %.1f min, %dx%d JPEGs, VmRSS every %d s%n",
                modelSpec.name(), fps, minutes, frameSize.width(), frameSize.height(), sampleSeconds);
        List<double[]> samples = new ArrayList<>(); // {minutes since start, RSS MiB}
        long labelled = 0;
        long dead = 0;
        int openNative;
        try (OnnxModelRunner runner = new OnnxModelRunner(modelSpec, RunnerOptions.cpu(1));
                InferencePipeline pipeline = InferencePipeline.builderFor(modelSpec, runner, PipelineSettings.defaults())
                        .build()) {
            long start = System.nanoTime();
            long periodNanos = (long) (1e9 / fps);
            long end = start + (long) (minutes * 60e9);
            long nextSample = start;
            long sequence = 0;
            List<CompletableFuture<FrameOutcome>> pending = new ArrayList<>();
            for (long due = start; due < end; due += periodNanos) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] jpeg = jpegs.get((int) (sequence % jpegs.size()));
                Frame frame = BenchmarkFrames.frame("soak", sequence, jpeg, frameSize.width(), frameSize.height());
                pending.add(pipeline.submit(BenchmarkFrames.envelope(frame, sequence)));
                sequence++;
                pending.removeIf(f -> f.isDone());
                if (pending.size() > 4 * fps) {
                    System.out.printf("soak: %d frames behind; lower --fps%n", pending.size());
                    pending.get(0).join();
                }
                if (System.nanoTime() >= nextSample) {
                    double at = (System.nanoTime() - start) / 60e9;
                    double rss = rssMiB();
                    samples.add(new double[] {at, rss});
                    System.out.printf(Locale.ROOT, "soak: t=%6.2f min  VmRSS %8.1f MiB  frames %d  heap used %.0f MiB%n",
                            at, rss, sequence, usedHeapMiB());
                    nextSample += TimeUnit.SECONDS.toNanos(sampleSeconds);
                }
            }
            for (CompletableFuture<FrameOutcome> f : pending) {
                f.join();
            }
            pipeline.close();
            labelled = pipeline.framesLabelled();
            dead = pipeline.framesDeadLettered();
            openNative = runner.openNativeValues();
        }
        List<double[]> afterWarmup = samples.stream().filter(s -> s[0] >= warmupMinutes).toList();
        double slope = slope(afterWarmup);
        double first = afterWarmup.isEmpty() ? Double.NaN : afterWarmup.get(0)[1];
        double last = afterWarmup.isEmpty() ? Double.NaN : afterWarmup.get(afterWarmup.size() - 1)[1];
        System.out.printf(Locale.ROOT, "soak: %d labelled, %d dead-lettered, open native tensors at the end %d%n",
                labelled, dead, openNative);
        System.out.printf(Locale.ROOT, "soak: VmRSS after %.1f min warm-up: %.1f -> %.1f MiB over %d samples;"
                + " slope %.2f MiB/min (%.1f MiB/hour)%n", warmupMinutes, first, last, afterWarmup.size(), slope,
                slope * 60);
        return 0;
    }

    /** Least-squares slope of RSS (MiB) over time (min). */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxy / sxx;
    }

    private static double rssMiB() throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0; // reported in kB
            }
        }
        throw new IOException("no VmRSS in " + STATUS + " (the soak needs Linux)");
    }

    private static double usedHeapMiB() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    }
}
