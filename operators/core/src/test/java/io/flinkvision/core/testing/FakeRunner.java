package io.flinkvision.core.testing;

import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;

import io.flinkvision.core.model.ModelSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ModelRunner} that echoes each sample as its output row and records what it ran. Runs
 * can be made to wait at a gate, and a batch can be made to fail.
 */
public class FakeRunner implements ModelRunner {
    /** Batch sizes in the order the runs started. */
    public final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    /** One permit per run that started. */
    public final Semaphore started = new Semaphore(0);
    public final AtomicInteger maxConcurrentRuns = new AtomicInteger();
    public volatile boolean closed;
    private final AtomicInteger running = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Makes every run wait until {@link #openGate()}. */
    public FakeRunner closeGate() {
        gate = new CountDownLatch(1);
        return this;
    }

    public void openGate() {
        gate.countDown();
    }

    /** Override to fail a batch or change its output. */
    protected float[][] output(float[][] batch) throws InferenceException {
        return batch;
    }

    @Override
    public float[][] run(float[][] batch) throws InferenceException {
        int now = running.incrementAndGet();
        maxConcurrentRuns.accumulateAndGet(now, Math::max);
        batchSizes.add(batch.length);
        started.release();
        try {
            gate.await();
            return output(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted", e);
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public ModelSpec spec() {
        throw new UnsupportedOperationException("the fake has no spec");
    }

    @Override
    public DevicePlacement placement() {
        return DevicePlacement.cpu();
    }

    @Override
    public void close() {
        closed = true;
    }
}
