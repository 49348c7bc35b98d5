package io.flinkvision.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The YAML documents of deploy/kubernetes, each with the file it came from. */
final class Manifests {
    record Document(Path file, JsonNode tree) {
        String kind() {
            return tree.path("kind").asText();
        }

        String name() {
            return tree.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file.getFileName() + ":" + kind() + "/" + name();
        }
    }

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {}

    /** deploy/, from the build (-Dflinkvision.deploy), else found from the working directory. */
    static Path deployDirectory() {
        String configured = System.getProperty("flinkvision.deploy");
        Path dir = configured != null ? Path.of(configured) : Path.of("../../deploy");
        if (!Files.isDirectory(dir.resolve("kubernetes"))) {
            throw new IllegalStateException("deploy/kubernetes not found at " + dir.toAbsolutePath()
                    + " (set -Dflinkvision.deploy=/path/to/deploy)");
        }
        return dir;
    }

    static List<Document> all() throws IOException {
        List<Document> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(deployDirectory().resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                documents.addAll(read(file));
            }
        }
        return documents;
    }

    static List<Document> read(Path file) throws IOException {
        List<Document> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode tree = it.next();
                if (tree != null && !tree.isEmpty()) {
                    documents.add(new Document(file, tree));
                }
            }
        }
        return documents;
    }

    static List<Document> ofKind(String kind) throws IOException {
        return all().stream().filter(d -> d.kind().equals(kind)).toList();
    }

    /** spec.flinkConfiguration as the operator hands it to Flink: flat keys, string values. */
    static Map<String, String> flinkConfiguration(JsonNode deployment) {
        Map<String, String> config = new TreeMap<>();
        deployment.path("spec").path("flinkConfiguration").fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    /** spec.job.args. */
    static String[] jobArgs(JsonNode deployment) {
        List<String> args = new ArrayList<>();
        deployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        return args.toArray(String[]::new);
    }
}
