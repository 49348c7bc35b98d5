package io.flinkvision.publisher;

import io.flinkvision.schemas.FrameEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every .jpg, .jpeg and .png file directly in a folder, sorted by file name, published as they are
 * (the bytes are not decoded or re-encoded). The size comes from the image header, 0 x 0 if it
 * cannot be read; the encoding from the bytes' signature, else from the file extension.
 */
public final class ImageFolderSource implements FrameSource {
    private final Path folder;
    private final List<Path> files;

    /** @throws IOException if the folder cannot be listed or holds no image */
    public ImageFolderSource(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a folder: " + folder);
        }
        this.folder = folder;
        try (Stream<Path> entries = Files.list(folder)) {
            this.files = entries
                    .filter(p -> Files.isRegularFile(p) && extensionEncoding(p) != null)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no .jpg, .jpeg or .png files in " + folder);
        }
    }

    /** The image files, in publishing order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public FrameReader open() {
        return new FrameReader() {
            private int next;

            @Override
            public EncodedFrame next() throws IOException {
                if (next >= files.size()) {
                    return null;
                }
                int index = next++;
                return read(files.get(index), index);
            }

            @Override
            public void close() {}
        };
    }

    static EncodedFrame read(Path file, int index) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        FrameEncoding encoding = ImageHeaders.sniff(bytes);
        if (encoding == null) {
            // Not really an image: published anyway, so the pipeline's dead-letter path can be exercised.
            encoding = extensionEncoding(file);
        }
        ImageHeaders.Size size = ImageHeaders.size(bytes);
        return new EncodedFrame(encoding, size.width(), size.height(), bytes, Map.of(
                "source", file.getFileName().toString(),
                "sourceIndex", Integer.toString(index)));
    }

    private static FrameEncoding extensionEncoding(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return FrameEncoding.JPEG;
        }
        if (name.endsWith(".png")) {
            return FrameEncoding.PNG;
        }
        return null;
    }

    @Override
    public String description() {
        return "images in " + folder + " (" + files.size() + " files)";
    }
}
