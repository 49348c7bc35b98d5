package io.flinkvision.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared {@code images/detections.tsv}: per photo, the COCO classes the pretrained detector
 * stand-in must find (each with score >= {@link #MIN_SCORE} after class-aware NMS at IoU
 * {@link #NMS_IOU}). Lines starting with {@code #} are comments; columns are file, comma-separated
 * classes, notes.
 */
public final class ExpectedDetections {
    /** The file's own criterion, from its header line. */
    public static final float MIN_SCORE = 0.4f;
    public static final float NMS_IOU = 0.45f;

    private ExpectedDetections() {}

    /** Photo file name to the classes it must show, in file order. */
    public static Map<String, List<String>> read(Path file) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                if (columns.length < 2) {
                    throw new IllegalArgumentException(file + ": line without a classes column: " + line);
                }
                out.put(columns[0].trim(), Arrays.stream(columns[1].split(",")).map(String::trim).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
