package io.flinkvision.planner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a measurement depends on besides the model: CPU architecture and model, processors visible to
 * the JVM, ONNX Runtime version, device and intra-op threads per slot.
 */
public record HardwareFingerprint(String arch, String cpuModel, int processors, String ortVersion, String device,
                                  int threads) {

    /** A stable one-line description, used in the cache key. */
    public String describe() {
        return "arch=" + arch + ";cpu=" + cpuModel + ";processors=" + processors + ";ort=" + ortVersion
                + ";device=" + device.toLowerCase(Locale.ROOT) + ";threads=" + threads;
    }

    /** The fingerprint of this machine. */
    public static HardwareFingerprint current(String ortVersion, String device, int threads) {
        return new HardwareFingerprint(System.getProperty("os.arch"), cpuModel(Path.of("/proc/cpuinfo")),
                Runtime.getRuntime().availableProcessors(), ortVersion, device, threads);
    }

    /** The first "model name" in a cpuinfo file, or "unknown". */
    static String cpuModel(Path cpuinfo) {
        try {
            return parseCpuModel(Files.readAllLines(cpuinfo));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String parseCpuModel(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                return line.substring(colon + 1).trim().replaceAll("\\s+", " ");
            }
        }
        return "unknown";
    }
}
