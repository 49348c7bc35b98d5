package io.flinkvision.job.config;

import static io.flinkvision.job.config.ClassificationJobOptions.CHECKPOINT_DIRECTORY;
import static io.flinkvision.job.config.ClassificationJobOptions.CHECKPOINT_INTERVAL;
import static io.flinkvision.job.config.ClassificationJobOptions.CHECKPOINT_MODE;
import static io.flinkvision.job.config.ClassificationJobOptions.CHECKPOINT_TIMEOUT;
import static io.flinkvision.job.config.ClassificationJobOptions.MAX_PARALLELISM;
import static io.flinkvision.job.config.ClassificationJobOptions.PARALLELISM;
import static io.flinkvision.job.config.ClassificationJobOptions.RESTART_ATTEMPTS;
import static io.flinkvision.job.config.ClassificationJobOptions.RESTART_DELAY;
import static io.flinkvision.job.config.ClassificationJobOptions.RESTART_STRATEGY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Parallelism, checkpointing and restart strategy of the job: each is set on the environment only
 * when its flag was given; otherwise the environment keeps what the cluster gave it ({@code
 * config.yaml}, {@code flink run -p} and {@code -D}, a FlinkDeployment's {@code flinkConfiguration}).
 * Max parallelism is the exception: it fixes the key groups of every savepoint, so the job always has
 * one chosen on purpose (the flag, else the cluster's, else {@link ClassificationJobOptions#MAX_PARALLELISM}'s default).
 */
public final class ExecutionSettings {
    private static final Set<String> RESTART_STRATEGIES =
            Set.of("none", "fixed-delay", "failure-rate", "exponential-delay");

    /** Where a setting's value came from. */
    public enum Source {
        FLAG, CLUSTER, DEFAULT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One setting as the job runs with it, e.g. {@code parallelism 2 (source: cluster)}. */
    public record Applied(String setting, String value, Source source) {
        @Override
        public String toString() {
            return setting + " " + value + " (source: " + source + ")";
        }
    }

    private ExecutionSettings() {}

    /**
     * Sets on {@code env} what {@code job} gives explicitly.
     *
     * @return every setting with its value and source, for the job's log
     * @throws IllegalArgumentException for an unknown restart strategy or a value Flink refuses
     */
    public static List<Applied> apply(ReadableConfig job, StreamExecutionEnvironment env) {
        List<Applied> applied = new ArrayList<>();

        Optional<Integer> parallelism = job.getOptional(PARALLELISM);
        parallelism.ifPresent(env::setParallelism);
        applied.add(new Applied("parallelism", String.valueOf(env.getParallelism()), source(parallelism)));

        Optional<Integer> maxParallelism = job.getOptional(MAX_PARALLELISM);
        if (maxParallelism.isPresent()) {
            env.setMaxParallelism(maxParallelism.get());
            applied.add(new Applied("max-parallelism", String.valueOf(maxParallelism.get()), Source.FLAG));
        } else if (env.getMaxParallelism() > 0) {
            applied.add(new Applied("max-parallelism", String.valueOf(env.getMaxParallelism()), Source.CLUSTER));
        } else {
            env.setMaxParallelism(MAX_PARALLELISM.defaultValue());
            applied.add(new Applied("max-parallelism", String.valueOf(MAX_PARALLELISM.defaultValue()), Source.DEFAULT));
        }

        Configuration flink = new Configuration();
        job.getOptional(CHECKPOINT_INTERVAL).ifPresent(i -> flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, i));
        job.getOptional(CHECKPOINT_MODE).ifPresent(m -> flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, m));
        job.getOptional(CHECKPOINT_TIMEOUT).ifPresent(t -> flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, t));
        job.getOptional(CHECKPOINT_DIRECTORY).ifPresent(dir -> {
            flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        });
        restartStrategy(job, flink);
        env.configure(flink);

        CheckpointConfig checkpoints = env.getCheckpointConfig();
        long interval = checkpoints.getCheckpointInterval();
        applied.add(new Applied("checkpoint-interval", interval > 0 ? Duration.ofMillis(interval).toString() : "disabled",
                source(job.getOptional(CHECKPOINT_INTERVAL))));
        applied.add(new Applied("checkpoint-mode", checkpoints.getCheckpointingConsistencyMode().toString(),
                source(job.getOptional(CHECKPOINT_MODE))));
        applied.add(new Applied("checkpoint-timeout", Duration.ofMillis(checkpoints.getCheckpointTimeout()).toString(),
                source(job.getOptional(CHECKPOINT_TIMEOUT))));
        ReadableConfig effective = env.getConfiguration();
        applied.add(new Applied("checkpoint-directory", effective.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                .orElse("(the cluster's checkpoint storage)"), source(job.getOptional(CHECKPOINT_DIRECTORY))));
        applied.add(new Applied("restart-strategy", effective.getOptional(RestartStrategyOptions.RESTART_STRATEGY)
                .orElse("(the cluster's default)"), source(job.getOptional(RESTART_STRATEGY))));
        return applied;
    }

    /** Whether the job runs with checkpointing: without it, exactly-once output is committed only at the end. */
    public static boolean checkpointing(StreamExecutionEnvironment env) {
        return env.getCheckpointConfig().getCheckpointInterval() > 0;
    }

    private static void restartStrategy(ReadableConfig job, Configuration flink) {
        Optional<String> strategy = job.getOptional(RESTART_STRATEGY).map(s -> s.trim().toLowerCase(Locale.ROOT));
        if (strategy.isEmpty()) {
            if (job.getOptional(RESTART_ATTEMPTS).isPresent() || job.getOptional(RESTART_DELAY).isPresent()) {
                throw new IllegalArgumentException("--restart-attempts and --restart-delay need --restart-strategy"
                        + " (the cluster's strategy keeps its own parameters)");
            }
            return;
        }
        String type = strategy.get();
        if (!RESTART_STRATEGIES.contains(type)) {
            throw new IllegalArgumentException("--restart-strategy must be one of " + RESTART_STRATEGIES.stream().sorted()
                    .toList() + ", got '" + strategy.get() + "'");
        }
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, type);
        Optional<Integer> attempts = job.getOptional(RESTART_ATTEMPTS);
        Optional<Duration> delay = job.getOptional(RESTART_DELAY);
        switch (type) {
            case "fixed-delay" -> {
                attempts.ifPresent(a -> flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, a));
                delay.ifPresent(d -> flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, d));
            }
            case "exponential-delay" -> {
                attempts.ifPresent(a -> flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, a));
                delay.ifPresent(d -> flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, d));
            }
            case "failure-rate" -> {
                if (attempts.isPresent()) {
                    throw new IllegalArgumentException("--restart-attempts does not apply to failure-rate (it limits"
                            + " failures per interval: set restart-strategy.failure-rate.* on the cluster)");
                }
                delay.ifPresent(d -> flink.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, d));
            }
            default -> {
                if (attempts.isPresent() || delay.isPresent()) {
                    throw new IllegalArgumentException("--restart-attempts and --restart-delay do not apply to"
                            + " --restart-strategy none");
                }
            }
        }
    }

    private static Source source(Optional<?> flag) {
        return flag.isPresent() ? Source.FLAG : Source.CLUSTER;
    }
}
