package io.flinkvision.core.sharing;

import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.testing.FakeRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.testing.TinyOnnx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunnerRegistry} with fake runners: reference counting, failures and concurrent use. */
class RunnerRegistryTest {
    private final List<FakeRunner> opened = new ArrayList<>();
    private ModelSpec spec;

    @TempDir
    Path tmp;

    /** Counts closes; close() must be called exactly once per runner. */
    private static final class FakeRunner implements ModelRunner {
        final ModelSpec spec;
        final AtomicInteger closes = new AtomicInteger();

        FakeRunner(ModelSpec spec) {
            this.spec = spec;
        }

        @Override
        public float[][] run(float[][] batch) {
            return new float[batch.length][spec.outputLength()];
        }

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public String device() {
            return "fake";
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private synchronized FakeRunner open(ModelSpec s, RunnerOptions options) {
        FakeRunner runner = new FakeRunner(s);
        opened.add(runner);
        return runner;
    }

    @BeforeEach
    void tinyModel() throws Exception {
        spec = ModelSpec.builder()
                .modelPath(TinyOnnx.write(tmp.resolve("t.onnx"), new TinyOnnx.Spec(false, false, -1, 4, 4, 3, false)))
                .build();
    }

    @Test
    void lastLeaseClosesTheRunnerOnce() {
        RunnerRegistry registry = new RunnerRegistry(this::open);
        SharedModels.Lease a = registry.acquire(spec, RunnerOptions.cpu(1));
        SharedModels.Lease b = registry.acquire(spec, RunnerOptions.cpu(1));
        assertThat(opened).hasSize(1);

        a.close();
        a.close();
        assertThat(opened.get(0).closes).hasValue(0);
        b.close();
        assertThat(opened.get(0).closes).hasValue(1);
        assertThat(registry.openRunners()).isZero();

        // A new acquire after the last close opens a fresh runner.
        try (SharedModels.Lease c = registry.acquire(spec, RunnerOptions.cpu(1))) {
            assertThat(c.runner()).isNotSameAs(opened.get(0));
        }
        assertThat(opened).hasSize(2);
    }

    @Test
    void aFailedOpenLeavesNothingBehind() {
        RunnerRegistry registry = new RunnerRegistry((s, o) -> {
            throw new IllegalStateException("cannot open");
        });
        assertThatThrownBy(() -> registry.acquire(spec, RunnerOptions.cpu(1))).hasMessage("cannot open");
        assertThat(registry.openRunners()).isZero();
    }

    @Test
    void concurrentAcquireAndCloseBalance() throws Exception {
        RunnerRegistry registry = new RunnerRegistry(this::open);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        try (SharedModels.Lease lease = registry.acquire(spec, RunnerOptions.cpu(1))) {
                            lease.runner().run(new float[1][48]);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.openRunners()).isZero();
        assertThat(opened).isNotEmpty().allSatisfy(r -> assertThat(r.closes).hasValue(1));
    }
}
