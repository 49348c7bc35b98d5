package io.flinkvision.core.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A labels file: one class name per line, class index = line number - 1. */
public final class LabelsFile {
    private LabelsFile() {}

    /**
     * Trailing blank lines (a final newline, an editor's extra line) are ignored; a blank line
     * between labels is an error because it would shift every later class index.
     *
     * @throws IllegalArgumentException when the file is missing, empty or has a blank label
     */
    public static List<String> read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("labels file not found: " + path + " (--labels)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read labels file " + path, e);
        }
        return parse(lines, path.toString());
    }

    static List<String> parse(List<String> lines, String source) {
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        if (end == 0) {
            throw new IllegalArgumentException("labels file " + source + " has no labels");
        }
        List<String> labels = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            String label = lines.get(i).strip();
            if (label.isEmpty()) {
                throw new IllegalArgumentException("labels file " + source + ": line " + (i + 1)
                        + " is blank; every line up to the last label must name a class");
            }
            labels.add(label);
        }
        return List.copyOf(labels);
    }

    /** Names for a model without a labels file: class_0, class_1, ... */
    public static List<String> placeholders(int count) {
        List<String> labels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            labels.add("class_" + i);
        }
        return List.copyOf(labels);
    }
}
