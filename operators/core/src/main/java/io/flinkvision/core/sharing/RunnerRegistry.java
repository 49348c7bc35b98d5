package io.flinkvision.core.sharing;

import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;

import io.flinkvision.core.model.ModelSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reference-counted runners, one per (model file, sha256, runner options, I/O contract). The
 * contract is part of the key because a runner feeds tensors by its spec's input name and shape:
 * two specs of one file with different input sizes must not share it.
 */
public final class RunnerRegistry {

    /** Opens a runner; {@link OnnxModelRunner#OnnxModelRunner} in production, a fake in tests. */
    @FunctionalInterface
    public interface RunnerFactory {
        ModelRunner open(ModelSpec spec, RunnerOptions options);
    }

    private record Key(String modelPath, String sha256, RunnerOptions options, String inputName,
            String outputName, String sampleShape, String elementType) {
        static Key of(ModelSpec spec, RunnerOptions options) {
            return new Key(spec.modelPath(), spec.sha256(), options, spec.inputName(), spec.outputName(),
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

    public RunnerRegistry(RunnerFactory factory) {
        this.factory = factory;
    }

    /**
     * Opens (or shares) the runner. Opening happens under the registry lock: simple, and a model
     * loads once per TaskManager start, so other slots waiting for it briefly costs little.
     */
    public SharedModels.Lease acquire(ModelSpec spec, RunnerOptions options) {
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

    /** Runners currently open. */
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

    private final class CountedLease implements SharedModels.Lease {
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
