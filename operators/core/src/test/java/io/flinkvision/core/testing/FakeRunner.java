package io.flinkvision.core.testing;

import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;

import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ModelRunner} that echoes each sample's {@link Frames#INPUT} as its {@link Frames#OUTPUT}
 * and records what it ran. Runs can be made to wait at a gate, and a batch can be made to fail.
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
    public List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) throws InferenceException {
        int now = running.incrementAndGet();
        maxConcurrentRuns.accumulateAndGet(now, Math::max);
        batchSizes.add(samples.size());
        started.release();
        try {
            gate.await();
            float[][] rows = new float[samples.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = samples.get(i).get(Frames.INPUT).floats();
            }
            float[][] out = output(rows);
            List<Map<String, Tensor>> outputs = new ArrayList<>(out.length);
            for (float[] row : out) {
                // A null row stands for an output the model did not return
                outputs.add(row == null ? Map.of() : Map.of(Frames.OUTPUT, Tensor.ofFloats(new long[] {row.length}, row)));
            }
            return outputs;
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
