package io.flinkvision.modelgen.efficientnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.modelgen.onnx.OnnxModelInfo;
import io.flinkvision.modelgen.onnx.OnnxWeightReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated fallback B0 is written once, to an owner-only directory, and reused only when it is
 * the file this class wrote (digest beside it); a planted or damaged file is replaced. (That the
 * whole job runs on it is OfflineFallbackITCase.)
 */
class OfflineFallbackModelTest {
    @TempDir
    Path tmp;

    private static Object identity(Path file) throws Exception {
        // The inode: a regenerated file is moved into place, so it has a new one; no clock involved.
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void generatesAB0ModelInAnOwnerOnlyDirectoryAndReusesIt() throws Exception {
        Path target = tmp.resolve("cache").resolve("flink-vision").resolve(OfflineFallbackModel.FILE_NAME);

        Path model = OfflineFallbackModel.ensure(target);

        OnnxModelInfo info = OnnxWeightReader.read(model);
        assertThat(info.feedInputs()).extracting(OnnxModelInfo.ValueInfo::name).containsExactly(EfficientNetOnnxGenerator.INPUT_NAME);
        assertThat(info.feedInputs().get(0).dims()).endsWith("3", "224", "224");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent()))).isEqualTo("rwx------");
        Object first = identity(model);
        byte[] bytes = Files.readAllBytes(model);

        assertThat(OfflineFallbackModel.ensure(target)).isEqualTo(model);
        assertThat(identity(model)).isEqualTo(first);
        assertThat(Files.readAllBytes(model)).isEqualTo(bytes);
        try (var files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(OfflineFallbackModel.FILE_NAME, OfflineFallbackModel.FILE_NAME + ".sha256");
        }
    }

    @Test
    void aFileThatMerelyExistsAtThePathIsReplacedByTheGeneratedModel() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("own"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path target = dir.resolve(OfflineFallbackModel.FILE_NAME);
        Files.writeString(target, "planted, not a model");

        OfflineFallbackModel.ensure(target);

        assertThat(OnnxWeightReader.read(target).feedInputs()).hasSize(1);
        byte[] generated = Files.readAllBytes(target);
        // Damaged after generation (same name, same digest file): not trusted either.
        Files.write(target, java.util.Arrays.copyOf(generated, generated.length / 2));
        OfflineFallbackModel.ensure(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(generated);
    }

    @Test
    void refusesADirectoryOtherUsersCanWriteOrALink() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> OfflineFallbackModel.ensure(shared.resolve(OfflineFallbackModel.FILE_NAME)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("can be written by other users").hasMessageContaining("chmod go-w");
        assertThat(shared.resolve(OfflineFallbackModel.FILE_NAME)).doesNotExist();

        Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectory(tmp.resolve("elsewhere")));
        assertThatThrownBy(() -> OfflineFallbackModel.ensure(link.resolve(OfflineFallbackModel.FILE_NAME)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("symbolic link");
    }

    @Test
    void theDefaultLocationIsPerUserNotTheSharedTemporaryDirectory() {
        Path location = OfflineFallbackModel.defaultLocation();
        assertThat(location.getFileName().toString()).isEqualTo(OfflineFallbackModel.FILE_NAME);
        assertThat(location.startsWith(Path.of(System.getProperty("java.io.tmpdir")))).isFalse();
    }
}
