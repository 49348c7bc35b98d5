package io.flinkvision.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model locations: paths and URIs, reads through Flink's FileSystem into the cache, the SHA-256 pin. */
class ModelFilesTest {
    @TempDir
    Path temp;

    @Test
    void aPlainPathIsAFileUriAndAUriStaysAsItIs() {
        assertThat(ModelFiles.toUri("models/b0.onnx"))
                .isEqualTo(Path.of("models/b0.onnx").toAbsolutePath().normalize().toUri());
        assertThat(ModelFiles.toUri("s3://bucket/models/b0.onnx")).hasScheme("s3").hasPath("/models/b0.onnx");
        assertThat(ModelFiles.toUri("file:///models/b0.onnx")).hasScheme("file");
        assertThatThrownBy(() -> ModelFiles.toUri(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLocalFileIsUsedInPlaceAndCheckedAgainstItsPin() throws Exception {
        Path model = write("model.onnx", "weights");
        String sha = ModelFiles.sha256Hex(model);
        assertThat(ModelFiles.localFile(model.toUri(), null, temp.resolve("cache"))).isEqualTo(model);
        assertThat(ModelFiles.localFile(model.toUri(), sha.toUpperCase(), temp.resolve("cache"))).isEqualTo(model);

        Files.writeString(model, "other weights");
        assertThatThrownBy(() -> ModelFiles.localFile(model.toUri(), sha, temp.resolve("cache")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has sha256 " + ModelFiles.sha256Hex(model))
                .hasMessageContaining("expects " + sha);
    }

    @Test
    void aMissingFileNamesTheLocationAndTheHost() {
        URI missing = temp.resolve("none.onnx").toUri();
        assertThatThrownBy(() -> ModelFiles.localFile(missing, null, temp.resolve("cache")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file not found: " + missing)
                .hasMessageContaining("TaskManager");
        assertThat(ModelFiles.readableHere(missing)).isFalse();
        assertThat(ModelFiles.readableHere(URI.create("nosuchfs://bucket/model.onnx"))).isFalse();
    }

    @Test
    void aFileReadThroughFlinksFileSystemIsCachedUnderItsDigest() throws Exception {
        Path model = write("remote.onnx", "remote weights");
        String sha = ModelFiles.sha256Hex(model);
        Path cache = temp.resolve("cache");

        Path copy = ModelFiles.cachedCopy(model.toUri(), null, cache);
        assertThat(copy).hasParent(cache).hasFileName(sha + "-remote.onnx").hasSameBinaryContentAs(model);
        // Pinned and already cached: no second read (the source may be gone by then).
        Files.delete(model);
        assertThat(ModelFiles.cachedCopy(model.toUri(), sha, cache)).isEqualTo(copy);
        try (var files = Files.list(cache)) {
            assertThat(files).as("no partial files left").containsExactly(copy);
        }
    }

    @Test
    void aCopyWithOtherBytesThanPinnedFailsAndLeavesNothingInTheCache() throws Exception {
        Path model = write("remote.onnx", "remote weights");
        Path cache = temp.resolve("cache");
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> ModelFiles.cachedCopy(model.toUri(), wrong, cache))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expects " + wrong);
        try (var files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aPinMustBeASha256() {
        assertThat(ModelFiles.normalizeSha256(null)).isNull();
        assertThatThrownBy(() -> ModelFiles.normalizeSha256("abc123"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 hex digits");
    }

    private Path write(String name, String content) throws Exception {
        return Files.write(temp.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }
}
