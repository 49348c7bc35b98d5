package io.flinkvision.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What Flink's {@code BashJavaUtils} derives from a config.yaml before the distribution's scripts
 * start a process: the JVM's memory flags ({@code -Xmx...}) and {@code -D key=value} resource settings
 * (taskmanager.cpu.cores, memory sizes...). A TaskManager started without them fails with
 * "taskmanager.cpu.cores is not set".
 */
record FlinkResourceParameters(List<String> jvmFlags, List<String> dynamicProperties) {
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    /** BashJavaUtils marks its two result lines among its log lines with this prefix. */
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    static final String JOB_MANAGER = "GET_JM_RESOURCE_PARAMS";
    static final String TASK_MANAGER = "GET_TM_RESOURCE_PARAMS";

    /**
     * Runs BashJavaUtils {@code command} ({@link #JOB_MANAGER} or {@link #TASK_MANAGER}) on the
     * configuration in {@code confDirectory}.
     *
     * @throws IllegalStateException if it fails (e.g. memory sizes that do not add up), with its output
     */
    static FlinkResourceParameters compute(String command, String classpath, Path confDirectory, Path workDirectory) {
        String output = JavaProcess.run("BashJavaUtils " + command, List.of(), classpath, BASH_JAVA_UTILS,
                List.of(command, "--configDir", confDirectory.toString()), workDirectory, Duration.ofMinutes(2));
        return parse(command, output);
    }

    /** Finds the two result lines by their prefix: BashJavaUtils logs to the same stream. */
    static FlinkResourceParameters parse(String command, String output) {
        List<String> results = output.lines().filter(line -> line.startsWith(RESULT_PREFIX))
                .map(line -> line.substring(RESULT_PREFIX.length()).trim()).toList();
        if (results.size() != 2) {
            throw new IllegalStateException("BashJavaUtils " + command + " printed " + results.size()
                    + " result lines, expected 2 (JVM flags, dynamic properties); its output:"
                    + System.lineSeparator() + output);
        }
        return new FlinkResourceParameters(split(results.get(0)), split(results.get(1)));
    }

    /** JVM options as the scripts pass them: separated by whitespace. */
    static List<String> split(String options) {
        return options == null || options.isBlank() ? List.of() : Arrays.asList(options.trim().split("\\s+"));
    }
}
