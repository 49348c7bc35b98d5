package io.flinkvision.planner;

import io.flinkvision.measure.FrameSize;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** Measurements stored as one small properties file per {@link CacheKey} in a directory. */
public final class MeasurementCache {
    private final Path dir;

    public MeasurementCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The cached measurements for the key, if a file exists whose stored key matches exactly and whose
     * measurements timed at least {@code minSeconds} per batch size (a quick run never stands in for a
     * longer one that is asked for). Files from before batch p99s were kept in HdrHistogram
     * ({@code p99_ms} instead of {@code batch_p99_ms}) are measured again.
     */
    public Optional<List<Measurement>> read(CacheKey key, double minSeconds) {
        Properties p = load(key.fileName());
        if (p == null || !key.text().equals(p.getProperty("key"))) {
            return Optional.empty();
        }
        try {
            if (Double.parseDouble(p.getProperty("seconds", "0")) < minSeconds) {
                return Optional.empty();
            }
            List<Measurement> out = new ArrayList<>();
            for (int batch : key.batchSizes()) {
                String prefix = "batch." + batch + ".";
                out.add(new Measurement(key.variant(), batch,
                        Double.parseDouble(p.getProperty(prefix + "fps")),
                        Double.parseDouble(p.getProperty(prefix + "batch_p99_ms")),
                        Integer.parseInt(p.getProperty(prefix + "batches"))));
            }
            return Optional.of(out);
        } catch (RuntimeException e) {
            return Optional.empty(); // incomplete or corrupt: measure again
        }
    }

    /** Writes the measurements for the key, timed {@code seconds} per batch size (replacing any earlier file). */
    public void write(CacheKey key, List<Measurement> measurements, double seconds) {
        Properties p = new Properties();
        p.setProperty("key", key.text());
        p.setProperty("seconds", Double.toString(seconds));
        for (Measurement m : measurements) {
            String prefix = "batch." + m.batchSize() + ".";
            // Double.toString round-trips exactly: a cached plan is the measured plan, digit for digit.
            p.setProperty(prefix + "fps", Double.toString(m.framesPerSecond()));
            p.setProperty(prefix + "batch_p99_ms", Double.toString(m.batchP99Millis()));
            p.setProperty(prefix + "batches", Integer.toString(m.batches()));
        }
        store(key.fileName(), p);
    }

    /** The properties in {@code dir/fileName}, or null if there is no readable file. */
    private Properties load(String fileName) {
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return p;
        } catch (IOException e) {
            return null;
        }
    }

    /** Writes {@code dir/fileName} atomically, replacing any earlier file. */
    private void store(String fileName, Properties p) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, fileName, ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "flink-vision capacity planner measurements");
            }
            Files.move(tmp, dir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write planner cache in " + dir, e);
        }
    }

    /**
     * The cached pixel-path cost (mean core-ms per frame) for a variant and frame size on this hardware.
     * Files from before the mean was kept (they hold a median, {@code pixel_core_ms}) are measured again.
     */
    public Optional<Double> readPixelCost(HardwareFingerprint hw, Candidate variant, FrameSize frame) {
        Properties p = load(pixelFile(hw, variant, frame));
        if (p == null || !pixelKey(hw, variant, frame).equals(p.getProperty("key"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Double.parseDouble(p.getProperty("pixel_mean_core_ms")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public void writePixelCost(HardwareFingerprint hw, Candidate variant, FrameSize frame,
                               double meanCoreMillis) {
        Properties p = new Properties();
        p.setProperty("key", pixelKey(hw, variant, frame));
        p.setProperty("pixel_mean_core_ms", Double.toString(meanCoreMillis));
        store(pixelFile(hw, variant, frame), p);
    }

    private static String pixelKey(HardwareFingerprint hw, Candidate variant, FrameSize frame) {
        return hw.describe() + ";variant=" + variant.cacheId() + ";pixels=" + frame;
    }

    private String pixelFile(HardwareFingerprint hw, Candidate variant, FrameSize frame) {
        return variant.fileStem() + "-pixels-" + frame + "-"
                + CacheKey.shortHash(pixelKey(hw, variant, frame)) + ".properties";
    }
}
