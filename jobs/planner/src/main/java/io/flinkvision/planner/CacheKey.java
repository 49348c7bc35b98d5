package io.flinkvision.planner;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Identifies one cached set of measurements: hardware fingerprint, variant and batch sizes. */
public record CacheKey(HardwareFingerprint hardware, EfficientNetVariant variant, List<Integer> batchSizes) {
    public CacheKey {
        batchSizes = List.copyOf(batchSizes);
    }

    /** The full key as text; stored in the cache file and compared on read. */
    public String text() {
        return hardware.describe() + ";variant=" + variant + ";batches="
                + batchSizes.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** A file name derived from {@link #text()}: the variant plus 16 hex digits of its SHA-256. */
    public String fileName() {
        return variant.name().toLowerCase(Locale.ROOT) + "-" + shortHash(text()) + ".properties";
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
