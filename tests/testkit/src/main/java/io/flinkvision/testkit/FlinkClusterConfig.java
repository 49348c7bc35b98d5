package io.flinkvision.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configuration of a {@link FlinkProcessCluster}: its config.yaml and the JVM flags every process needs. */
final class FlinkClusterConfig {
    /**
     * The {@code --add-exports}/{@code --add-opens} flags that Flink's distribution sets in its
     * config.yaml ({@code env.java.opts.all}) so that Flink runs on Java 17.
     */
    static final List<String> JAVA_17_MODULE_FLAGS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private FlinkClusterConfig() {}

    /**
     * A standalone session cluster on 127.0.0.1 with free ports, its directories under {@code directory},
     * sized for a small shared machine; {@code overrides} last.
     */
    static Map<String, String> standalone(Path directory, int slotsPerTaskManager, String jobManagerMemory,
            String taskManagerMemory, boolean prometheus, Map<String, String> overrides) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(LoopbackPorts.free()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(LoopbackPorts.free()));
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
        c.put("jobmanager.memory.process.size", jobManagerMemory);
        c.put("taskmanager.memory.process.size", taskManagerMemory);
        // The heap state backend needs no managed memory; the default fraction (0.4) would leave a
        // 1g TaskManager about 26 MB of task heap.
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("parallelism.default", "1");
        c.put("execution.checkpointing.dir", directory.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", directory.resolve("savepoints").toUri().toString());
        c.put("web.upload.dir", directory.resolve("jars").toString());
        c.put("io.tmp.dirs", directory.resolve("tmp").toString());
        c.put("process.working-dir", directory.resolve("process").toString());
        // A killed TaskManager is noticed within seconds; registration retries come every second,
        // not every 10 s; a restarted job tries again every second, indefinitely.
        c.put("heartbeat.interval", "1 s");
        c.put("heartbeat.timeout", "10 s");
        c.put("cluster.registration.error-delay", "1 s");
        c.put("cluster.registration.max-timeout", "5 s");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", Integer.toString(Integer.MAX_VALUE));
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        if (prometheus) {
            c.put("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
        }
        c.putAll(overrides);
        return c;
    }

    /** Writes config.yaml and the processes' log4j2 configuration into {@code conf}. */
    static void write(Path conf, Map<String, String> config) throws IOException {
        StringBuilder yaml = new StringBuilder("# Written by FlinkProcessCluster (flink-vision testkit).\n");
        // Flat keys are valid in Flink 2.x's standard YAML; values quoted, so YAML reads them as strings.
        config.forEach((key, value) -> yaml.append(key).append(": ").append(yamlString(value)).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        try (InputStream log4j = FlinkClusterConfig.class.getResourceAsStream("/log4j2-process.properties")) {
            if (log4j == null) {
                throw new IllegalStateException("log4j2-process.properties is missing from the testkit jar");
            }
            Files.copy(log4j, conf.resolve("log4j2.properties"));
        }
    }

    private static String yamlString(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
