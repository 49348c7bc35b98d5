package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.testkit.FlinkProcessCluster;
import io.flinkvision.testkit.FlinkProcessCluster.TaskManager;
import io.flinkvision.testkit.FlinkRestClient;
import io.flinkvision.testkit.FlinkRestClient.JarRun;
import io.flinkvision.tests.clusterjob.CountingJob;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real multi-process Flink cluster (JobManager + 2 TaskManagers): a job jar uploaded through REST
 * runs, survives kill -9 of a TaskManager once a replacement registers, stops with a savepoint and
 * restarts from it at another parallelism; a TaskManager's Prometheus endpoint shows the job's metrics.
 */
class FlinkProcessClusterITCase {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void aJobSurvivesTheLossOfItsTaskManagerAndRestartsFromItsSavepoint() throws Exception {
        Path jar = JobJars.write(temp.resolve("counting-job.jar"), CountingJob.class);
        long startNanos = System.nanoTime();
        try (FlinkProcessCluster cluster = FlinkProcessCluster.builder().taskManagers(2).slotsPerTaskManager(1)
                .prometheus(true).config("execution.checkpointing.interval", "1 s").start()) {
            System.out.printf("FlinkProcessCluster: JobManager + 2 TaskManagers registered in %d ms%n", millisSince(startNanos));
            FlinkRestClient rest = cluster.rest();
            assertThat(rest.taskManagerIds()).containsExactlyInAnyOrder("tm-1", "tm-2");

            String jarId = rest.uploadJar(jar);
            // Parallelism 2 on two one-slot TaskManagers: after a loss the job cannot run until a replacement registers.
            String job = rest.runJar(jarId, JarRun.withArgs("--rate", "50").parallelism(2));
            rest.awaitAllTasksRunning(job, TIMEOUT);
            List<String> before = rest.taskManagersRunning(job);
            assertThat(before).containsExactlyInAnyOrder("tm-1", "tm-2");

            TaskManager victim = cluster.taskManager("tm-1");
            assertThat(awaitMetric(cluster, victim, "countedTicks")).isPositive();

            long killNanos = System.nanoTime();
            cluster.kill(victim);
            assertThat(victim.isAlive()).isFalse();
            cluster.awaitRegisteredTaskManagers(1, TIMEOUT);
            long noticedMillis = millisSince(killNanos);
            TaskManager replacement = cluster.startTaskManager();
            rest.awaitAllTasksRunning(job, TIMEOUT);
            System.out.printf("FlinkProcessCluster: after kill -9 of %s the JobManager dropped it in %d ms; job RUNNING"
                    + " again on the replacement %d ms after the kill%n", victim.resourceId(), noticedMillis,
                    millisSince(killNanos));
            assertThat(rest.taskManagersRunning(job)).containsExactlyInAnyOrder("tm-2", replacement.resourceId());

            String savepoint = rest.stopWithSavepoint(job, null, TIMEOUT);
            assertThat(Path.of(URI.create(savepoint)).resolve("_metadata")).isRegularFile()
                    .startsWith(cluster.savepointDirectory());
            rest.awaitJobState(job, "FINISHED", TIMEOUT);

            String restored = rest.runJar(jarId, JarRun.withArgs("--rate", "50").parallelism(1)
                    .fromSavepoint(savepoint, false));
            rest.awaitAllTasksRunning(restored, TIMEOUT);
            String runsOn = rest.taskManagersRunning(restored).get(0);
            assertThat(awaitMetric(cluster, cluster.taskManager(runsOn), "restoredFromSavepoint")).isEqualTo(1.0);
            rest.cancel(restored);
            rest.awaitJobState(restored, "CANCELED", TIMEOUT);
        }
    }

    @Test
    void theBuilderSaysWhatToFix() {
        assertThatThrownBy(() -> FlinkProcessCluster.builder().taskManagers(-1).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taskManagers");
        assertThatThrownBy(() -> FlinkProcessCluster.builder().taskManagerMemory("lots").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1g");
        assertThatThrownBy(() -> FlinkProcessCluster.builder().config("rest.port", "8081"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set by FlinkProcessCluster");
    }

    /**
     * The value of the job's operator metric {@code name} on that TaskManager's Prometheus endpoint,
     * scraped until it is there (the reporter registers a task's metrics when the task starts).
     */
    private static double awaitMetric(FlinkProcessCluster cluster, TaskManager tm, String name) {
        Pattern line = Pattern.compile("^flink_taskmanager_job_task_operator_" + name + "\\{[^}]*\\} (\\S+)$",
                Pattern.MULTILINE);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = cluster.scrapePrometheus(tm);
            Matcher matcher = line.matcher(text);
            if (matcher.find() && Double.parseDouble(matcher.group(1)) > 0) {
                return Double.parseDouble(matcher.group(1));
            }
            sleep(500);
        }
        throw new AssertionError("no positive " + name + " on " + tm + " within " + TIMEOUT + "; "
                + text.lines().filter(l -> l.contains("operator")).limit(20).toList());
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
