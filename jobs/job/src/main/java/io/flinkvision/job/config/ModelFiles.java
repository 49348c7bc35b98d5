package io.flinkvision.job.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/**
 * Model and labels files named by a location: a local path, or a URI read through Flink's {@link
 * FileSystem} ({@code file://}, and {@code s3://}, {@code hdfs://}, ... where that file system's plugin
 * is on the TaskManager). ONNX Runtime opens local files only, so a remote file is copied once per
 * TaskManager host into a cache directory, named by its SHA-256.
 */
public final class ModelFiles {
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private ModelFiles() {}

    /**
     * A location as a URI: one with a scheme as it is, a plain path as an absolute {@code file:} URI.
     * Single-letter schemes are not taken as schemes, so {@code C:\models} stays a path.
     */
    public static URI toUri(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("empty model location");
        }
        String trimmed = location.trim();
        if (SCHEME.matcher(trimmed).find()) {
            try {
                return URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a valid URI: " + trimmed + " (" + e.getMessage() + ")", e);
            }
        }
        return Path.of(trimmed).toAbsolutePath().normalize().toUri();
    }

    /**
     * Whether the file can be read from this JVM. The client or JobManager often cannot (the models are
     * mounted on the TaskManagers only, or their file system plugin is not on its classpath): then it
     * leaves the file to the TaskManagers rather than failing.
     */
    public static boolean readableHere(URI uri) {
        if ("file".equals(uri.getScheme())) {
            return Files.isRegularFile(Path.of(uri));
        }
        try {
            FileStatus status = FileSystem.get(uri).getFileStatus(new org.apache.flink.core.fs.Path(uri));
            return !status.isDir();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The expected SHA-256 as lower-case hex, or null when none is given.
     *
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    public static String normalizeSha256(String sha256) {
        if (sha256 == null || sha256.isBlank()) {
            return null;
        }
        String lower = sha256.trim().toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(lower).matches()) {
            throw new IllegalArgumentException("--model-sha256 must be 64 hex digits (sha256sum of the model), got '"
                    + sha256 + "'");
        }
        return lower;
    }

    /**
     * A local file holding the bytes at {@code uri}: the file itself for {@code file:}, else a copy
     * under {@code cacheDirectory}. With {@code expectedSha256}, the bytes must have that digest.
     *
     * @throws IllegalArgumentException naming the URI and the host when the file is missing, and both
     *     digests when it does not match
     * @throws IOException when the file system fails while reading
     */
    public static Path localFile(URI uri, String expectedSha256, Path cacheDirectory) throws IOException {
        String expected = normalizeSha256(expectedSha256);
        if ("file".equals(uri.getScheme())) {
            Path local = Path.of(uri);
            if (!Files.isRegularFile(local)) {
                throw new IllegalArgumentException("file not found: " + uri + " on " + host()
                        + " (it must be readable where the job's inference runs: mount it on every TaskManager,"
                        + " or give a URI of a shared file system)");
            }
            if (expected != null) {
                requireDigest(uri, expected, sha256Hex(local));
            }
            return local;
        }
        return cachedCopy(uri, expected, cacheDirectory);
    }

    /** The copy under {@code cacheDirectory} of the file at {@code uri}, read through Flink's FileSystem. */
    static Path cachedCopy(URI uri, String expected, Path cacheDirectory) throws IOException {
        String fileName = fileName(uri);
        Files.createDirectories(cacheDirectory);
        if (expected != null) {
            Path cached = cacheDirectory.resolve(expected + "-" + fileName);
            if (Files.isRegularFile(cached)) {
                return cached; // named by the digest of the bytes it was written from
            }
        }
        Path partial = Files.createTempFile(cacheDirectory, fileName, ".partial");
        try {
            String actual;
            FileSystem fs = FileSystem.get(uri);
            org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(uri);
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("file not found: " + uri + " (read from " + host() + ")");
            }
            MessageDigest digest = sha256();
            try (InputStream in = new DigestInputStream(fs.open(path), digest);
                    OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
            actual = HexFormat.of().formatHex(digest.digest());
            if (expected != null) {
                requireDigest(uri, expected, actual);
            }
            // Slots of one TaskManager may fetch at once: each writes its own partial file, and the
            // moves replace an equal file with an equal file.
            Path target = cacheDirectory.resolve(actual + "-" + fileName);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The cache of remote models on this host: {@code <java.io.tmpdir>/flink-vision-models}. */
    public static Path defaultCacheDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "flink-vision-models");
    }

    static String sha256Hex(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void requireDigest(URI uri, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("model " + uri + " has sha256 " + actual + ", but --model-sha256 expects "
                    + expected + ": the file changed, or the pin is out of date");
        }
    }

    private static String fileName(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.endsWith("/")) {
            throw new IllegalArgumentException("model URI names no file: " + uri);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
