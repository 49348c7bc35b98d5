package io.flinkvision.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One JVM started from this one's {@code java.home}, with its stdout and stderr appended to a log file.
 * The shared mechanics of {@link KafkaBrokerProcess} and {@link FlinkProcessCluster}: start, wait for
 * a line in the log, stop (SIGTERM, so shutdown hooks run) or kill (SIGKILL, as a crash would).
 */
final class JavaProcess {
    /**
     * Processes not yet seen to exit. A test JVM that ends without closing its brokers and clusters
     * must not leave them running on a machine shared with other builds: a shutdown hook kills them.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "testkit-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private final long logOffset;

    private JavaProcess(String name, Process process, Path logFile, long logOffset) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.logOffset = logOffset;
    }

    /** The {@code java} executable of the running JVM. */
    static Path javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Starts {@code java jvmOptions -cp classpath mainClass arguments} in {@code workingDirectory},
     * appending its output to {@code logFile} (a restart keeps the earlier runs' lines above).
     */
    static JavaProcess start(String name, List<String> jvmOptions, String classpath, String mainClass,
            List<String> arguments, Path workingDirectory, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            long offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "==== " + name + ": " + String.join(" ", redactClasspath(command))
                    + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return new JavaProcess(name, process, logFile, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + javaExecutable() + ")", e);
        }
    }

    /**
     * Runs {@code java jvmOptions -cp classpath mainClass arguments} to completion and returns its
     * output (stdout and stderr together).
     *
     * @throws IllegalStateException if it exits non-zero or runs longer than {@code timeout}
     */
    static String run(String name, List<String> jvmOptions, String classpath, String mainClass,
            List<String> arguments, Path workingDirectory, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);
        try {
            Path output = Files.createTempFile(workingDirectory, "run-", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
                boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!exited) {
                    process.destroyForcibly();
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (!exited || process.exitValue() != 0) {
                    throw new IllegalStateException(name + (exited ? " exited with code " + process.exitValue()
                            : " did not finish within " + timeout) + "; its output:" + System.lineSeparator() + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    /** The classpath of a Flink or Kafka process is a few kB of jar paths: the log does not need it. */
    private static List<String> redactClasspath(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "<" + shown.get(cp + 1).split(File.pathSeparator).length + " entries>");
        }
        return shown;
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What this run wrote to the log so far (not the earlier runs' lines). */
    String output() {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /**
     * Waits until this run's output contains {@code marker}, or {@code ready} holds, polling every
     * 100 ms. Fails at once if the process exits, and after {@code timeout}; both with the log's tail.
     */
    void awaitReady(String marker, BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if ((marker != null && output().contains(marker)) || (ready != null && ready.getAsBoolean())) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; " + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not ready within " + timeout + "; " + tail());
            }
            sleep(100);
        }
    }

    /** The last lines of this run's output, to put into an exception message. */
    String tail() {
        String[] lines = output().split("\\R");
        int from = Math.max(0, lines.length - 40);
        return "last lines of " + logFile + ":" + System.lineSeparator()
                + String.join(System.lineSeparator(), Arrays.copyOfRange(lines, from, lines.length));
    }

    /** SIGTERM, so the process's shutdown hooks run; SIGKILL if it is still alive after {@code grace}. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    /** SIGKILL (kill -9): no shutdown hook runs, nothing is flushed, as when a machine loses power to the JVM. */
    void kill() {
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(30))) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still alive 30 s after SIGKILL");
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + (process.isAlive() ? "" : ", exited") + "]";
    }
}
