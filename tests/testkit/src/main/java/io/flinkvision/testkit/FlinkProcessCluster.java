package io.flinkvision.testkit;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * A real Flink standalone session cluster as separate JVMs on 127.0.0.1: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) that a
 * test can add, kill with SIGKILL and replace while a job runs. The processes run on the Flink
 * distribution's jars as Maven resolved them (module flink-vision-flink-dist: the distribution
 * tarball is not on Maven Central), started the way Flink's scripts start them: a {@code config.yaml}
 * written here, memory flags and resource settings from Flink's {@code BashJavaUtils}, and Flink's
 * Java 17 {@code --add-opens} list. Drive it through {@link #rest()}.
 *
 * <pre>{@code
 * try (FlinkProcessCluster cluster = FlinkProcessCluster.builder().taskManagers(2).prometheus(true).start()) {
 *     String jar = cluster.rest().uploadJar(jobJar);
 *     String job = cluster.rest().runJar(jar, JarRun.withArgs("--rate", "20").parallelism(2));
 *     cluster.rest().awaitAllTasksRunning(job, Duration.ofMinutes(1));
 *     cluster.kill(cluster.taskManagers().get(0));
 *     cluster.startTaskManager();
 *     ...
 * }
 * }</pre>
 *
 * <p>Every address is 127.0.0.1, except that Flink's Prometheus reporter has no bind-address setting
 * and listens on all interfaces.
 */
public final class FlinkProcessCluster implements AutoCloseable {
    /** Where flink-vision-flink-dist writes the classpath of the distribution's jars. */
    static final String DIST_CLASSPATH_RESOURCE = "io/flinkvision/flinkdist/flink-dist.classpath";

    private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Path workDirectory;
    private final boolean deleteOnClose;
    private final String classpath;
    private final List<String> jvmOptions;
    private final Map<String, String> config;
    private final boolean prometheus;
    private final Duration startTimeout;
    private final FlinkRestClient rest;
    private final List<TaskManager> taskManagers = new ArrayList<>();
    private FlinkResourceParameters taskManagerParameters;
    private JavaProcess jobManager;
    private int nextTaskManager = 1;
    private boolean closed;

    private FlinkProcessCluster(Builder builder, Path workDirectory, boolean deleteOnClose, Map<String, String> config) {
        this.workDirectory = workDirectory;
        this.deleteOnClose = deleteOnClose;
        this.classpath = builder.classpath;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.config = Collections.unmodifiableMap(config);
        this.prometheus = builder.prometheus;
        this.startTimeout = builder.startTimeout;
        this.rest = new FlinkRestClient(URI.create("http://127.0.0.1:" + config.get("rest.port") + "/"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The REST API of the JobManager. */
    public FlinkRestClient rest() {
        return rest;
    }

    /** The cluster's configuration as written to {@code config.yaml}. */
    public Map<String, String> configuration() {
        return config;
    }

    /** Holds conf/, log/, checkpoints/, savepoints/, the uploaded jars and the processes' working dirs. */
    public Path workDirectory() {
        return workDirectory;
    }

    /** Where stop-with-savepoint writes when no target directory is given. */
    public Path savepointDirectory() {
        return workDirectory.resolve("savepoints");
    }

    public Path checkpointDirectory() {
        return workDirectory.resolve("checkpoints");
    }

    /** The JobManager's log (its stdout and stderr, Flink's log lines included). */
    public Path jobManagerLog() {
        return jobManager.logFile();
    }

    /** The TaskManagers this cluster started that are still alive, oldest first. */
    public synchronized List<TaskManager> taskManagers() {
        return taskManagers.stream().filter(TaskManager::isAlive).toList();
    }

    /** The TaskManager with this resource id (as the REST API names it), if this cluster started it. */
    public synchronized TaskManager taskManager(String resourceId) {
        return taskManagers.stream().filter(tm -> tm.resourceId().equals(resourceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no TaskManager " + resourceId + "; started: "
                        + taskManagers.stream().map(TaskManager::resourceId).toList()));
    }

    /**
     * Starts one more TaskManager and waits until it has registered with the JobManager.
     *
     * @throws IllegalStateException if it does not register within the start timeout (its log's tail says why)
     */
    public synchronized TaskManager startTaskManager() {
        TaskManager tm = launchTaskManager();
        awaitRegistered(tm);
        return tm;
    }

    /** SIGKILL (kill -9) to a TaskManager: its tasks fail, the JobManager notices the loss. */
    public synchronized void kill(TaskManager taskManager) {
        taskManager.process.kill();
    }

    /** SIGTERM to a TaskManager: it deregisters and exits (up to 20 s, then SIGKILL). */
    public synchronized void stop(TaskManager taskManager) {
        taskManager.process.stop(STOP_GRACE);
    }

    /**
     * Waits until exactly {@code count} TaskManagers are registered (e.g. until the JobManager has noticed
     * a killed one), polling every 200 ms.
     */
    public void awaitRegisteredTaskManagers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> registered = List.of();
        while (System.nanoTime() < deadline) {
            registered = rest.taskManagerIds();
            if (registered.size() == count) {
                return;
            }
            JavaProcess.sleep(200);
        }
        throw new IllegalStateException(count + " TaskManagers not registered within " + timeout
                + "; registered: " + registered);
    }

    /**
     * The Prometheus exposition text of a TaskManager's reporter ({@code GET /metrics}).
     *
     * @throws IllegalStateException if the cluster was built without {@link Builder#prometheus(boolean)}
     */
    public String scrapePrometheus(TaskManager taskManager) {
        int port = taskManager.prometheusPort().orElseThrow(() -> new IllegalStateException(
                "no Prometheus reporter: build the cluster with prometheus(true)"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Prometheus endpoint of " + taskManager + ": HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + taskManager + " on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the TaskManagers and the JobManager (SIGTERM), and deletes the work directory if it is temporary. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (TaskManager tm : taskManagers) {
            stops.add(CompletableFuture.runAsync(() -> tm.process.stop(STOP_GRACE)));
        }
        stops.forEach(CompletableFuture::join);
        if (jobManager != null) {
            jobManager.stop(STOP_GRACE);
        }
        if (deleteOnClose) {
            EmbeddedKafka.deleteQuietly(workDirectory);
        }
    }

    @Override
    public String toString() {
        return "FlinkProcessCluster[" + rest.baseUri() + ", " + workDirectory + "]";
    }

    private void startAll(int initialTaskManagers) {
        // Both calls start a JVM: run them side by side.
        CompletableFuture<FlinkResourceParameters> jm = CompletableFuture.supplyAsync(() ->
                FlinkResourceParameters.compute(FlinkResourceParameters.JOB_MANAGER, classpath, confDirectory(), workDirectory));
        CompletableFuture<FlinkResourceParameters> tm = CompletableFuture.supplyAsync(() ->
                FlinkResourceParameters.compute(FlinkResourceParameters.TASK_MANAGER, classpath, confDirectory(), workDirectory));
        FlinkResourceParameters jobManagerParameters = join(jm);
        taskManagerParameters = join(tm);

        List<String> dynamic = new ArrayList<>(jobManagerParameters.dynamicProperties());
        if (prometheus) {
            dynamic.addAll(List.of("-D", "metrics.reporter.prom.port=" + LoopbackPorts.free()));
        }
        jobManager = launch("jobmanager", jobManagerParameters, "env.java.opts.jobmanager", JOB_MANAGER_MAIN, dynamic);
        // The TaskManagers start alongside: a JVM takes seconds to come up, and one that finds no
        // ResourceManager yet tries again after cluster.registration.error-delay (1 s here).
        List<TaskManager> started = new ArrayList<>();
        for (int i = 0; i < initialTaskManagers; i++) {
            started.add(launchTaskManager());
        }
        jobManager.awaitReady(null, rest::isReachable, startTimeout);
        started.forEach(this::awaitRegistered);
    }

    private TaskManager launchTaskManager() {
        if (closed) {
            throw new IllegalStateException("the cluster is closed");
        }
        String resourceId = "tm-" + nextTaskManager++;
        List<String> dynamic = new ArrayList<>(taskManagerParameters.dynamicProperties());
        dynamic.addAll(List.of("-D", "taskmanager.resource-id=" + resourceId));
        OptionalInt prometheusPort = OptionalInt.empty();
        if (prometheus) {
            int port = LoopbackPorts.free();
            prometheusPort = OptionalInt.of(port);
            dynamic.addAll(List.of("-D", "metrics.reporter.prom.port=" + port));
        }
        JavaProcess process = launch("taskmanager-" + resourceId, taskManagerParameters, "env.java.opts.taskmanager",
                TASK_MANAGER_MAIN, dynamic);
        TaskManager tm = new TaskManager(resourceId, process, prometheusPort);
        taskManagers.add(tm);
        return tm;
    }

    private void awaitRegistered(TaskManager tm) {
        tm.process.awaitReady(null, () -> rest.taskManagerIds().contains(tm.resourceId()), startTimeout);
    }

    private JavaProcess launch(String name, FlinkResourceParameters parameters, String javaOptsKey, String mainClass,
            List<String> dynamicProperties) {
        Path log = workDirectory.resolve("log").resolve(name + ".log");
        List<String> options = new ArrayList<>(FlinkClusterConfig.JAVA_17_MODULE_FLAGS);
        options.addAll(parameters.jvmFlags());
        options.addAll(FlinkResourceParameters.split(config.get("env.java.opts.all")));
        options.addAll(FlinkResourceParameters.split(config.get(javaOptsKey)));
        options.addAll(jvmOptions);
        // log.file is what the web UI and REST serve as the process's log.
        options.add("-Dlog.file=" + log);
        options.add("-Dlog4j.configurationFile=" + confDirectory().resolve("log4j2.properties").toUri());
        List<String> arguments = new ArrayList<>(List.of("--configDir", confDirectory().toString()));
        arguments.addAll(dynamicProperties);
        return JavaProcess.start(name, options, classpath, mainClass, arguments, workDirectory, log);
    }

    private Path confDirectory() {
        return workDirectory.resolve("conf");
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A TaskManager JVM this cluster started. */
    public static final class TaskManager {
        private final String resourceId;
        private final JavaProcess process;
        private final OptionalInt prometheusPort;

        private TaskManager(String resourceId, JavaProcess process, OptionalInt prometheusPort) {
            this.resourceId = resourceId;
            this.process = process;
            this.prometheusPort = prometheusPort;
        }

        /** Its {@code taskmanager.resource-id}: the id the REST API reports (tm-1, tm-2, ...). */
        public String resourceId() {
            return resourceId;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Its log: stdout, stderr and Flink's log lines. */
        public Path logFile() {
            return process.logFile();
        }

        /** The port of its Prometheus reporter, if the cluster has one. */
        public OptionalInt prometheusPort() {
            return prometheusPort;
        }

        @Override
        public String toString() {
            return "TaskManager[" + resourceId + ", " + process + "]";
        }
    }

    /** The cluster's shape and configuration; {@link #start()} checks it and starts the processes. */
    public static final class Builder {
        /** Set by the cluster itself (addresses, ports, identities): not overridable. */
        private static final Set<String> RESERVED = Set.of("rest.address", "rest.bind-address", "rest.port",
                "rest.bind-port", "jobmanager.rpc.address", "jobmanager.rpc.port", "jobmanager.bind-host",
                "taskmanager.host", "taskmanager.bind-host", "taskmanager.resource-id", "metrics.reporter.prom.port");
        private static final Pattern MEMORY_SIZE = Pattern.compile(
                "(?i)\\d+\\s*(b|bytes|k|kb|kibibytes|m|mb|mebibytes|g|gb|gibibytes|t|tb|tebibytes)?");

        private int taskManagers = 1;
        private int slotsPerTaskManager = 1;
        private String jobManagerMemory = "768m";
        private String taskManagerMemory = "1g";
        private final Map<String, String> config = new LinkedHashMap<>();
        private boolean prometheus;
        private final List<String> jvmOptions = new ArrayList<>();
        private Path workDirectory;
        private String classpath;
        private Duration startTimeout = Duration.ofMinutes(2);

        private Builder() {}

        /** TaskManagers to start with (default 1; 0 for none yet). */
        public Builder taskManagers(int count) {
            this.taskManagers = count;
            return this;
        }

        /** {@code taskmanager.numberOfTaskSlots} (default 1). */
        public Builder slotsPerTaskManager(int slots) {
            this.slotsPerTaskManager = slots;
            return this;
        }

        /** {@code jobmanager.memory.process.size} (default 768m). */
        public Builder jobManagerMemory(String size) {
            this.jobManagerMemory = size;
            return this;
        }

        /**
         * {@code taskmanager.memory.process.size} (default 1g, with 64m managed memory: enough for the
         * heap state backend on a 2-core, 24 GiB machine shared with other builds).
         */
        public Builder taskManagerMemory(String size) {
            this.taskManagerMemory = size;
            return this;
        }

        /**
         * A config.yaml entry over the defaults, e.g. {@code execution.checkpointing.interval: 1 s}, a
         * metrics reporter, or {@code env.java.opts.all} (added to every process's JVM options, after
         * the Java 17 module flags).
         */
        public Builder config(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("config entry needs a key and a value, got " + key + ": " + value);
            }
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException(key + " is set by FlinkProcessCluster (every process on 127.0.0.1,"
                        + " free ports, resource ids tm-1, tm-2...); leave it out");
            }
            config.put(key, value);
            return this;
        }

        /**
         * Adds Flink's Prometheus reporter (flink-metrics-prometheus) to every process, each on a port of
         * its own: {@link TaskManager#prometheusPort()}, {@link FlinkProcessCluster#scrapePrometheus}.
         */
        public Builder prometheus(boolean enabled) {
            this.prometheus = enabled;
            return this;
        }

        /** An extra JVM option for every process, e.g. {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES=...}. */
        public Builder jvmOption(String option) {
            if (option == null || option.isBlank()) {
                throw new IllegalArgumentException("JVM option is empty");
            }
            jvmOptions.add(option);
            return this;
        }

        /** Where conf/, log/, checkpoints/ and savepoints/ go, kept by close (default: a temporary directory, deleted). */
        public Builder workDirectory(Path directory) {
            this.workDirectory = directory;
            return this;
        }

        /** The processes' classpath (default: the Flink distribution from flink-vision-flink-dist). */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        /** How long the JobManager, and each TaskManager, may take to come up (default 2 min: shared machines). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Checks the settings, writes the configuration, starts the JobManager and the TaskManagers, and
         * returns once all TaskManagers have registered.
         *
         * @throws IllegalArgumentException if a setting is invalid (the message says which and why)
         * @throws IllegalStateException if a process does not come up (the message has its log's tail)
         */
        public FlinkProcessCluster start() {
            if (taskManagers < 0) {
                throw new IllegalArgumentException("taskManagers must be 0 or more, got " + taskManagers);
            }
            if (slotsPerTaskManager < 1) {
                throw new IllegalArgumentException("slotsPerTaskManager must be at least 1, got " + slotsPerTaskManager);
            }
            requireMemorySize("jobManagerMemory", jobManagerMemory);
            requireMemorySize("taskManagerMemory", taskManagerMemory);
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
            if (classpath == null) {
                classpath = distributionClasspath();
            } else if (classpath.isBlank()) {
                throw new IllegalArgumentException("classpath is empty");
            }
            boolean temporary = workDirectory == null;
            Path directory;
            try {
                directory = temporary ? Files.createTempDirectory("flink-vision-cluster-")
                        : Files.createDirectories(workDirectory.toAbsolutePath());
                for (String sub : List.of("conf", "log", "checkpoints", "savepoints", "jars", "tmp", "process",
                        // Flink looks for plugins/ in the working directory, and warns when there is none.
                        "plugins")) {
                    Files.createDirectories(directory.resolve(sub));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the cluster's work directory", e);
            }
            Map<String, String> effective = FlinkClusterConfig.standalone(directory, slotsPerTaskManager,
                    jobManagerMemory, taskManagerMemory, prometheus, config);
            FlinkProcessCluster cluster = new FlinkProcessCluster(this, directory, temporary, effective);
            try {
                FlinkClusterConfig.write(directory.resolve("conf"), effective);
                cluster.startAll(taskManagers);
                return cluster;
            } catch (RuntimeException | IOException e) {
                cluster.close();
                if (e instanceof IOException io) {
                    throw new UncheckedIOException("cannot write the cluster's configuration", io);
                }
                throw (RuntimeException) e;
            }
        }

        private static void requireMemorySize(String name, String size) {
            if (size == null || !MEMORY_SIZE.matcher(size.trim()).matches()) {
                throw new IllegalArgumentException(name + " must be a Flink memory size such as 1g or 768m, got " + size);
            }
        }

        private static String distributionClasspath() {
            try (InputStream in = FlinkProcessCluster.class.getClassLoader().getResourceAsStream(DIST_CLASSPATH_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DIST_CLASSPATH_RESOURCE + " is not on the classpath: depend on"
                            + " io.flinkvision:flink-vision-flink-dist (the testkit does) and build it through the reactor,"
                            + " or set classpath(...)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + DIST_CLASSPATH_RESOURCE, e);
            }
        }
    }
}
