package io.flinkvision.modelgen.efficientnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The model the demo and tests use when no trained model is configured or found (no {@code ../shared}):
 * a generated EfficientNet-B0 with seeded, calibrated random weights. It runs the whole pipeline, but
 * its labels mean nothing, which callers must say loudly. Generated once (about a second) and reused.
 *
 * <p>A model is code the job will run on every frame, so the cached file is not trusted because it
 * exists: it lives in a directory only this user can write (checked, not assumed; never the shared
 * {@code /tmp}), and it is reused only when its SHA-256 equals the digest written beside it when it
 * was generated. Anything else (a truncated file, a file replaced by hand) is generated again.
 */
public final class OfflineFallbackModel {
    public static final String FILE_NAME = "efficientnet_b0_generated_seed0.onnx";
    static final String DIGEST_SUFFIX = ".sha256";
    private static final long SEED = 0;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private OfflineFallbackModel() {}

    /**
     * Where the fallback lives: {@code $XDG_CACHE_HOME/flink-vision/}, else
     * {@code ~/.cache/flink-vision/}: a per-user directory, so no other local user can plant a model there.
     */
    public static Path defaultLocation() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("flink-vision").resolve(FILE_NAME);
    }

    /**
     * Generates the model at {@code target} unless a copy this process can trust is already there;
     * returns its path.
     *
     * @throws IllegalStateException when {@code target}'s directory can be written by another user
     */
    public static synchronized Path ensure(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path digestFile = dir.resolve(target.getFileName() + DIGEST_SUFFIX);
        try {
            prepareOwnerOnlyDirectory(dir);
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(digestFile, LinkOption.NOFOLLOW_LINKS)
                    && Files.readString(digestFile, StandardCharsets.US_ASCII).strip().equals(sha256Hex(target))) {
                return target;
            }
            // Write beside, then move: a concurrent reader never sees half a model.
            Path partial = Files.createTempFile(dir, FILE_NAME, ".partial");
            EfficientNetOnnxGenerator.write(EfficientNetVariant.B0, new SeededWeights(SEED), partial);
            Path partialDigest = Files.createTempFile(dir, FILE_NAME, ".sha256.partial");
            Files.writeString(partialDigest, sha256Hex(partial) + "\n", StandardCharsets.US_ASCII);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partialDigest, digestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the generated fallback model to " + target, e);
        }
    }

    public static boolean isFallback(Path model) {
        return model.getFileName().toString().equals(FILE_NAME);
    }

    /** Creates {@code dir} owner-only, or checks that an existing one is this user's and writable by no one else. */
    private static void prepareOwnerOnlyDirectory(Path dir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            if (posix) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectory(dir);
            }
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(dir + " is not a directory (a symbolic link is refused too): remove it,"
                    + " or give the model with --model");
        }
        UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(me)) {
            throw new IllegalStateException(dir + " belongs to " + owner.getName() + ", not to " + me.getName()
                    + ": another user could replace the generated model there; choose a directory of your own");
        }
        if (posix) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (permissions.stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
                throw new IllegalStateException(dir + " can be written by other users ("
                        + PosixFilePermissions.toString(permissions) + "): run chmod go-w " + dir);
            }
        }
    }

    private static String sha256Hex(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
