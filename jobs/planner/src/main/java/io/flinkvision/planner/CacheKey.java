package io.flinkvision.planner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Identifies one cached set of measurements: hardware fingerprint, model (family and variant, or file) and batch sizes. */
public record CacheKey(HardwareFingerprint hardware, Candidate variant, List<Integer> batchSizes) {
    public CacheKey {
        batchSizes = List.copyOf(batchSizes);
    }

    /** The full key as text; stored in the cache file and compared on read. */
    public String text() {
        return hardware.describe() + ";variant=" + variant.cacheId() + ";batches="
                + batchSizes.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** A file name derived from {@link #text()}: the model's file stem plus 16 hex digits of its SHA-256. */
    public String fileName() {
        return variant.fileStem() + "-" + shortHash(text()) + ".properties";
    }

    /** 16 hex digits of the SHA-256 of the text. */
    static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
