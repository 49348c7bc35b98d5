package io.flinkvision.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Flink's REST API (the JobManager's {@code rest.port}) for tests: upload and run a jar, follow a job,
 * see which TaskManagers run its vertices, stop it with a savepoint, cancel it, count TaskManagers.
 * Request and response shapes are those of Flink 2.x's REST API reference.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 200;

    private final URI base;
    private final HttpClient http;

    public FlinkRestClient(URI base) {
        this.base = Objects.requireNonNull(base, "base");
        // HTTP/1.1: without it the JDK client asks Flink's Netty server to upgrade to h2c.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** http://127.0.0.1:PORT of the REST server. */
    public URI baseUri() {
        return base;
    }

    /** {@code POST /jars/upload}: uploads a job jar and returns the jar id that {@link #runJar} takes. */
    public String uploadJar(Path jar) {
        String boundary = "flinkvision-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                    + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "upload " + jar.getFileName());
        String filename = response.path("filename").asText();
        if (!"success".equals(response.path("status").asText()) || filename.isEmpty()) {
            throw new IllegalStateException("upload of " + jar + " failed: " + response);
        }
        // The response names the stored file; its last path segment is the jar id.
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** {@code POST /jars/:jarid/run}: runs the uploaded jar's main class and returns the job id. */
    public String runJar(String jarId, JarRun run) {
        ObjectNode body = JSON.createObjectNode();
        body.putPOJO("programArgsList", run.programArgs());
        if (run.entryClass() != null) {
            body.put("entryClass", run.entryClass());
        }
        if (run.parallelism() != null) {
            body.put("parallelism", run.parallelism());
        }
        if (run.savepointPath() != null) {
            body.put("savepointPath", run.savepointPath());
            body.put("allowNonRestoredState", run.allowNonRestoredState());
        }
        JsonNode response = send(post("/jars/" + jarId + "/run", body), "run jar " + jarId);
        return response.path("jobid").asText();
    }

    /** {@code GET /jobs/:jobid}: the job's state and its vertices. */
    public JobDetails job(String jobId) {
        JsonNode job = send(HttpRequest.newBuilder(uri("/jobs/" + jobId)).GET(), "job " + jobId);
        List<Vertex> vertices = new ArrayList<>();
        for (JsonNode vertex : job.path("vertices")) {
            Map<String, Integer> tasks = new LinkedHashMap<>();
            vertex.path("tasks").fields().forEachRemaining(e -> tasks.put(e.getKey(), e.getValue().asInt()));
            vertices.add(new Vertex(vertex.path("id").asText(), vertex.path("name").asText(),
                    vertex.path("parallelism").asInt(), vertex.path("status").asText(), tasks));
        }
        return new JobDetails(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText(),
                List.copyOf(vertices));
    }

    /** The job's state, e.g. RUNNING, RESTARTING, FINISHED, CANCELED. */
    public String jobStatus(String jobId) {
        return job(jobId).state();
    }

    /**
     * {@code GET /jobs/:jobid/vertices/:vertexid/taskmanagers}: the TaskManagers that hold subtasks of
     * the vertex, each with the aggregate state of its subtasks there.
     */
    public List<VertexTaskManager> vertexTaskManagers(String jobId, String vertexId) {
        JsonNode response = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/vertices/" + vertexId
                + "/taskmanagers")).GET(), "task managers of vertex " + vertexId);
        List<VertexTaskManager> result = new ArrayList<>();
        for (JsonNode tm : response.path("taskmanagers")) {
            result.add(new VertexTaskManager(tm.path("taskmanager-id").asText(), tm.path("status").asText()));
        }
        return List.copyOf(result);
    }

    /** The ids of the TaskManagers on which some subtask of the job is RUNNING. */
    public List<String> taskManagersRunning(String jobId) {
        List<String> ids = new ArrayList<>();
        for (Vertex vertex : job(jobId).vertices()) {
            for (VertexTaskManager tm : vertexTaskManagers(jobId, vertex.id())) {
                if ("RUNNING".equals(tm.status()) && !ids.contains(tm.taskManagerId())) {
                    ids.add(tm.taskManagerId());
                }
            }
        }
        return List.copyOf(ids);
    }

    /**
     * Waits until the job is RUNNING with every subtask of every vertex RUNNING (a RUNNING job may
     * still be deploying tasks), polling every 200 ms.
     *
     * @throws IllegalStateException after {@code timeout}, with the job's state and its exceptions
     */
    public JobDetails awaitAllTasksRunning(String jobId, Duration timeout) {
        return awaitJob(jobId, JobDetails::allTasksRunning, "all tasks RUNNING", timeout);
    }

    /** Waits until the job reaches {@code state} (e.g. CANCELED), polling every 200 ms. */
    public JobDetails awaitJobState(String jobId, String state, Duration timeout) {
        return awaitJob(jobId, job -> job.state().equals(state), state, timeout);
    }

    private JobDetails awaitJob(String jobId, Predicate<JobDetails> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobDetails job = null;
        while (System.nanoTime() < deadline) {
            job = job(jobId);
            if (condition.test(job)) {
                return job;
            }
            JavaProcess.sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("job " + jobId + " not " + what + " within " + timeout + ": " + job
                + "; exceptions: " + truncate(exceptions(jobId), 4000));
    }

    /** {@code GET /jobs/:jobid/exceptions}, raw: for failure messages. */
    public String exceptions(String jobId) {
        try {
            return send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/exceptions")).GET(), "exceptions").toString();
        } catch (RuntimeException e) {
            return "(cannot fetch: " + e.getMessage() + ")";
        }
    }

    /**
     * {@code POST /jobs/:jobid/stop}, then polls {@code /jobs/:jobid/savepoints/:triggerid}: stops the job
     * with a savepoint (without draining) and returns the savepoint's location.
     *
     * @param targetDirectory where to write it; null for the cluster's execution.checkpointing.savepoint-dir
     * @throws IllegalStateException if the savepoint fails or does not complete within {@code timeout}
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) {
        return stopWithSavepoint(jobId, targetDirectory, false, timeout);
    }

    /**
     * {@link #stopWithSavepoint(String, String, Duration)}, optionally draining: with {@code drain} the
     * sources send MAX_WATERMARK before the savepoint, so every event-time window fires (the job ends).
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, boolean drain, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("drain", drain);
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        String triggerId = send(post("/jobs/" + jobId + "/stop", body), "stop " + jobId).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/savepoints/" + triggerId)).GET(),
                    "savepoint status");
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("location")) {
                    return operation.path("location").asText();
                }
                throw new IllegalStateException("stop-with-savepoint of " + jobId + " failed: "
                        + truncate(operation.path("failure-cause").toString(), 4000));
            }
            JavaProcess.sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("stop-with-savepoint of " + jobId + " not complete within " + timeout);
    }

    /**
     * {@code GET /jobs/:jobid/checkpoints}: the id of the checkpoint or savepoint the job last restored
     * from (after a failover, or at a start from a savepoint), or -1 when it has not restored.
     */
    public long latestRestoredCheckpointId(String jobId) {
        JsonNode restored = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/checkpoints")).GET(),
                "checkpoints of " + jobId).path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull() ? -1 : restored.path("id").asLong(-1);
    }

    /** {@code GET /jobs/:jobid/checkpoints}: how many checkpoints of the job completed. */
    public long completedCheckpoints(String jobId) {
        return send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/checkpoints")).GET(), "checkpoints of " + jobId)
                .path("counts").path("completed").asLong();
    }

    /** {@code PATCH /jobs/:jobid?mode=cancel}: asks the job to cancel (it reaches CANCELED later). */
    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), "cancel " + jobId);
    }

    /** {@code GET /taskmanagers}: the resource ids of the TaskManagers registered with the ResourceManager. */
    public List<String> taskManagerIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : send(HttpRequest.newBuilder(uri("/taskmanagers")).GET(), "task managers")
                .path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return List.copyOf(ids);
    }

    /** How many TaskManagers are registered. */
    public int registeredTaskManagers() {
        return taskManagerIds().size();
    }

    /** Whether the REST server answers (the JobManager is up). */
    public boolean isReachable() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri("/config"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private HttpRequest.Builder post(String path, JsonNode body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("REST " + what + " at " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during REST " + what, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("REST " + what + ": HTTP " + response.statusCode() + " "
                    + truncate(response.body(), 4000));
        }
        try {
            String body = response.body();
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("REST " + what + ": not JSON: " + truncate(response.body(), 500), e);
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    /** What {@link #runJar} submits: program arguments, and optionally parallelism, entry class, savepoint. */
    public record JarRun(List<String> programArgs, String entryClass, Integer parallelism, String savepointPath,
            boolean allowNonRestoredState) {
        public JarRun {
            programArgs = List.copyOf(programArgs);
            if (parallelism != null && parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
            }
        }

        /** The jar's Main-Class with these program arguments and the cluster's default parallelism. */
        public static JarRun withArgs(String... programArgs) {
            return new JarRun(List.of(programArgs), null, null, null, false);
        }

        public JarRun parallelism(int parallelism) {
            return new JarRun(programArgs, entryClass, parallelism, savepointPath, allowNonRestoredState);
        }

        public JarRun entryClass(String className) {
            return new JarRun(programArgs, className, parallelism, savepointPath, allowNonRestoredState);
        }

        /** Restores from a savepoint; {@code allowNonRestoredState} skips state no operator claims. */
        public JarRun fromSavepoint(String path, boolean allowNonRestoredState) {
            return new JarRun(programArgs, entryClass, parallelism, path, allowNonRestoredState);
        }
    }

    /** A job as {@code GET /jobs/:jobid} reports it. */
    public record JobDetails(String id, String name, String state, List<Vertex> vertices) {
        /** RUNNING, with every subtask of every vertex RUNNING. */
        public boolean allTasksRunning() {
            return "RUNNING".equals(state) && !vertices.isEmpty()
                    && vertices.stream().allMatch(v -> v.tasks().getOrDefault("RUNNING", 0) == v.parallelism());
        }
    }

    /** A job vertex (a chain of operators): its subtask counts per execution state. */
    public record Vertex(String id, String name, int parallelism, String status, Map<String, Integer> tasks) {}

    /** A TaskManager holding subtasks of a vertex, and their aggregate state there. */
    public record VertexTaskManager(String taskManagerId, String status) {}
}
