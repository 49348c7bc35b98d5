package io.flinkvision.core.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Collects items into batches and hands each batch to a consumer when it holds {@code maxBatchSize}
 * items, or when {@code maxWait} has passed since its first item, whichever comes first. Thread-safe.
 *
 * <p>The consumer is called while the batcher's lock is held, so batches are handed over in the
 * order they were formed and {@link #close()} returns only after the last one has been handed over.
 * The consumer must therefore be quick (hand the batch to an executor) and must not throw.
 */
public final class MicroBatcher<T> implements AutoCloseable {
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private final FlushScheduler scheduler;
    private final Consumer<List<T>> consumer;

    private final Object lock = new Object();
    private List<T> current;
    private long firstItemNanos;
    /** Counts batches handed over, so that a timer set for an earlier batch knows it is stale. */
    private long generation;
    private FlushScheduler.Cancellable timer;
    private boolean closed;

    /**
     * @param maxWait how long the first item of a batch may wait for the batch to fill; zero hands
     *     every item over on its own
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime} in production)
     */
    public MicroBatcher(int maxBatchSize, Duration maxWait, LongSupplier nanoClock, FlushScheduler scheduler,
            Consumer<List<T>> consumer) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        if (maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must be zero or positive, got " + maxWait);
        }
        if (nanoClock == null || scheduler == null || consumer == null) {
            throw new IllegalArgumentException("nanoClock, scheduler and consumer are required");
        }
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
        this.scheduler = scheduler;
        this.consumer = consumer;
        this.current = new ArrayList<>(maxBatchSize);
    }

    /**
     * Adds an item; hands over its batch if that fills it.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void add(T item) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the batcher is closed: no more items are accepted");
            }
            if (!current.isEmpty() && nanoClock.getAsLong() - firstItemNanos >= maxWaitNanos) {
                // The timer is late (busy scheduler): the waiting batch is due, don't make it wait longer.
                handOver();
            }
            current.add(item);
            if (current.size() >= maxBatchSize || maxWaitNanos == 0) {
                handOver();
            } else if (current.size() == 1) {
                firstItemNanos = nanoClock.getAsLong();
                long batchGeneration = generation;
                timer = scheduler.schedule(() -> onTimer(batchGeneration), maxWaitNanos);
            }
        }
    }

    /** Stops accepting items and hands over what is waiting. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (!current.isEmpty()) {
                handOver();
            }
        }
    }

    private void onTimer(long batchGeneration) {
        synchronized (lock) {
            if (closed || batchGeneration != generation || current.isEmpty()) {
                return; // that batch was already handed over (filled up or closed)
            }
            long waited = nanoClock.getAsLong() - firstItemNanos;
            if (waited < maxWaitNanos) {
                // Fired early (coarse scheduler): wait for the rest instead of shipping a small batch.
                timer = scheduler.schedule(() -> onTimer(batchGeneration), maxWaitNanos - waited);
                return;
            }
            handOver();
        }
    }

    private void handOver() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        List<T> batch = current;
        current = new ArrayList<>(maxBatchSize);
        generation++;
        consumer.accept(Collections.unmodifiableList(batch));
    }
}
