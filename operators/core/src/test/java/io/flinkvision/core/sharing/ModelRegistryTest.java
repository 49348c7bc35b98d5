package io.flinkvision.core.sharing;

import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.runtime.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.testing.TinyOnnx;
import io.flinkvision.testkit.ReferenceData;
import io.flinkvision.testkit.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelRegistry}: with fake runners, reference counting, failures and concurrent use; with the
 * real model, the JVM-wide registry's leases sharing one ONNX Runtime session.
 */
class ModelRegistryTest {
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
        public List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) {
            int n = spec.outputLength();
            return samples.stream()
                    .map(s -> Map.of(spec.outputName(), Tensor.ofFloats(new long[] {n}, new float[n]))).toList();
        }

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public DevicePlacement placement() {
            return DevicePlacement.cpu();
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
        ModelRegistry registry = new ModelRegistry(this::open);
        ModelRegistry.Lease a = registry.acquire(spec, RunnerOptions.cpu(1));
        ModelRegistry.Lease b = registry.acquire(spec, RunnerOptions.cpu(1));
        assertThat(opened).hasSize(1);

        a.close();
        a.close();
        assertThat(opened.get(0).closes).hasValue(0);
        b.close();
        assertThat(opened.get(0).closes).hasValue(1);
        assertThat(registry.openRunners()).isZero();

        // A new acquire after the last close opens a fresh runner.
        try (ModelRegistry.Lease c = registry.acquire(spec, RunnerOptions.cpu(1))) {
            assertThat(c.runner()).isNotSameAs(opened.get(0));
        }
        assertThat(opened).hasSize(2);
    }

    @Test
    void aFailedOpenLeavesNothingBehind() {
        ModelRegistry registry = new ModelRegistry((s, o) -> {
            throw new IllegalStateException("cannot open");
        });
        assertThatThrownBy(() -> registry.acquire(spec, RunnerOptions.cpu(1))).hasMessage("cannot open");
        assertThat(registry.openRunners()).isZero();
        assertThatThrownBy(() -> new ModelRegistry(null)).hasMessageContaining("OnnxModelRunner::new");
    }

    @Test
    void concurrentAcquireAndCloseBalance() throws Exception {
        ModelRegistry registry = new ModelRegistry(this::open);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        try (ModelRegistry.Lease lease = registry.acquire(spec, RunnerOptions.cpu(1))) {
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

    @Test
    void theJvmWideRegistrysTwoLeasesShareOneRunnerUntilBothClose() throws Exception {
        ModelSpec pretrained = ModelSpec.builder()
                .modelPath(ReferenceData.requireShared(SharedData.PRETRAINED_STAND_IN_FILE)).build();
        float[][] sample = {new float[pretrained.preprocess().sampleLength()]};
        int before = ModelRegistry.jvmWide().openRunners();

        ModelRegistry.Lease first = ModelRegistry.jvmWide().acquire(pretrained, RunnerOptions.cpu(1));
        ModelRegistry.Lease second = ModelRegistry.jvmWide().acquire(pretrained, RunnerOptions.cpu(1));
        assertThat(second.runner()).isSameAs(first.runner());
        assertThat(ModelRegistry.jvmWide().openRunners()).isEqualTo(before + 1);

        ModelRunner runner = first.runner();
        first.close();
        first.close(); // a double close must not release the second lease's reference
        assertThat(ModelRegistry.jvmWide().openRunners()).isEqualTo(before + 1);
        assertThat(second.runner().run(sample)[0]).hasSize(1000);
        assertThatThrownBy(first::runner).isInstanceOf(IllegalStateException.class);

        second.close();
        assertThat(ModelRegistry.jvmWide().openRunners()).isEqualTo(before);
        assertThatThrownBy(() -> runner.run(sample)).isInstanceOf(InferenceException.class);
    }

    @Test
    void theJvmWideRegistryGivesDifferentOptionsDifferentRunners() {
        ModelSpec pretrained = ModelSpec.builder()
                .modelPath(ReferenceData.requireShared(SharedData.PRETRAINED_STAND_IN_FILE)).build();
        int before = ModelRegistry.jvmWide().openRunners();
        try (ModelRegistry.Lease one = ModelRegistry.jvmWide().acquire(pretrained, RunnerOptions.cpu(1));
                ModelRegistry.Lease two = ModelRegistry.jvmWide().acquire(pretrained, RunnerOptions.cpu(2))) {
            assertThat(two.runner()).isNotSameAs(one.runner());
            assertThat(ModelRegistry.jvmWide().openRunners()).isEqualTo(before + 2);
        }
        assertThat(ModelRegistry.jvmWide().openRunners()).isEqualTo(before);
    }
}
