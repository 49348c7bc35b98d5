package io.flinkvision.core.sharing;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reference-counted model runners, one per (model file, sha256, runner options, I/O contract). The
 * contract is part of the key because a runner feeds tensors by its spec's input name and shape:
 * two specs of one file with different input sizes must not share it.
 *
 * <p>{@link #jvmWide()} is the registry every slot of a TaskManager shares, so that a model has one
 * native session per JVM, not one per slot. A runner is closed by its last lease, and its close
 * waits for runs in flight (closing a native session during a run crashes the JVM).
 */
public final class ModelRegistry {
    private static final ModelRegistry JVM_WIDE = new ModelRegistry(OnnxModelRunner::new);

    /** Opens a runner; {@link OnnxModelRunner#OnnxModelRunner} in production, a fake in tests. */
    @FunctionalInterface
    public interface RunnerFactory {
        ModelRunner open(ModelSpec spec, RunnerOptions options);
    }

    /** A counted reference to a shared runner. */
    public interface Lease extends AutoCloseable {
        /** @throws IllegalStateException after this lease was closed */
        ModelRunner runner();

        /** Releases the reference; the last one closes the runner. A second close does nothing. */
        @Override
        void close();
    }

    private record Key(String modelPath, String sha256, RunnerOptions options, String inputName,
            List<String> outputNames, String sampleShape, String elementType) {
        static Key of(ModelSpec spec, RunnerOptions options) {
            return new Key(spec.modelPath(), spec.sha256(), options, spec.inputName(), spec.outputNames(),
                    Arrays.toString(spec.preprocess().sampleShape()), spec.preprocess().elementType().name());
        }
    }

    private static final class Entry {
        final ModelRunner runner;
        int leases;

        Entry(ModelRunner runner) {
            this.runner = runner;
        }
    }

    private final RunnerFactory factory;
    private final Map<Key, Entry> entries = new HashMap<>();

    /** A registry of its own (tests); production code shares {@link #jvmWide()}. */
    public ModelRegistry(RunnerFactory factory) {
        if (factory == null) {
            throw new IllegalArgumentException("factory is required (OnnxModelRunner::new in production)");
        }
        this.factory = factory;
    }

    /** The registry of this JVM, over {@link OnnxModelRunner}s. */
    public static ModelRegistry jvmWide() {
        return JVM_WIDE;
    }

    /**
     * Opens (or shares) the runner; close the lease when done. Opening happens under the registry
     * lock: simple, and a model loads once per TaskManager start, so other slots waiting for it
     * briefly costs little.
     *
     * @throws IllegalStateException when the model cannot be opened (see {@link OnnxModelRunner})
     */
    public Lease acquire(ModelSpec spec, RunnerOptions options) {
        Key key = Key.of(spec, options);
        synchronized (this) {
            Entry entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(factory.open(spec, options));
                entries.put(key, entry);
            }
            entry.leases++;
            return new CountedLease(key, entry);
        }
    }

    /** Runners open in this registry, for tests and metrics. */
    public synchronized int openRunners() {
        return entries.size();
    }

    private void release(Key key, Entry entry) {
        ModelRunner toClose = null;
        synchronized (this) {
            if (--entry.leases == 0) {
                entries.remove(key, entry);
                toClose = entry.runner;
            }
        }
        // Outside the lock: close() waits for runs in flight, and other models' acquires need not wait too.
        if (toClose != null) {
            toClose.close();
        }
    }

    private final class CountedLease implements Lease {
        private final Key key;
        private final Entry entry;
        private final AtomicBoolean closed = new AtomicBoolean();

        CountedLease(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        @Override
        public ModelRunner runner() {
            if (closed.get()) {
                throw new IllegalStateException("this lease on model " + entry.runner.spec().name() + " is closed");
            }
            return entry.runner;
        }

        /** Only the first close counts, so a double close cannot release another holder's reference. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release(key, entry);
            }
        }
    }
}
