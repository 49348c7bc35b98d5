package io.flinkvision.core.pipeline;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Enforces the decode timeout on a preparation whose decoder does not stop by itself. ImageIO's own
 * decodes abort at the deadline ({@code DecodeDeadline}); this is for anything else that hangs (a
 * stuck translator, a decoder that ignores the abort): shortly after the deadline the frame becomes
 * a DECODE_TIMEOUT dead letter and its decode is abandoned, i.e. left to finish on its thread, its
 * result dropped. So that a few stuck decodes cannot starve the others, each abandoned one that is
 * still running lends the pool one stand-in thread, up to {@code maxAbandoned}: the decode threads
 * are bounded by {@code threads + maxAbandoned}, and a stand-in goes when its decode returns.
 */
final class DecodeWatchdog {
    private final ThreadPoolExecutor pool;
    private final int threads;
    private final int maxAbandoned;
    private final long timeoutNanos;
    private final long graceNanos;
    private final ScheduledThreadPoolExecutor timer;
    private final LongAdder abandonedTotal = new LongAdder();
    /** Abandoned decodes still running; guarded by this. */
    private int abandonedRunning;
    private int standIns;

    DecodeWatchdog(ThreadPoolExecutor pool, int threads, int maxAbandoned, long timeoutNanos) {
        this.pool = pool;
        this.threads = threads;
        this.maxAbandoned = maxAbandoned;
        this.timeoutNanos = timeoutNanos;
        // Let a decode that aborts itself at the deadline end as its own DECODE_TIMEOUT first.
        this.graceNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), timeoutNanos / 10);
        this.timer = new ScheduledThreadPoolExecutor(1, new NamedThreads("flinkvision-decode-watchdog"));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** Calls {@code onOverdue} if the preparation is still running after the timeout (and its grace). */
    ScheduledFuture<?> watch(Runnable onOverdue) {
        return timer.schedule(onOverdue, timeoutNanos + graceNanos, TimeUnit.NANOSECONDS);
    }

    /** A running decode was abandoned: count it and lend the pool a stand-in thread if allowed. */
    synchronized void abandoned() {
        abandonedTotal.increment();
        abandonedRunning++;
        if (standIns < maxAbandoned && !pool.isShutdown()) {
            standIns++;
            resize();
        }
    }

    /** An abandoned decode returned: its stand-in thread goes once idle. */
    synchronized void abandonedReturned() {
        abandonedRunning--;
        if (standIns > abandonedRunning) {
            standIns--;
            if (!pool.isShutdown()) {
                resize();
            }
        }
    }

    private void resize() {
        int size = threads + standIns;
        // Core before max when shrinking, max before core when growing: core may never exceed max.
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    /** Decodes abandoned since the start. */
    long abandonedTotal() {
        return abandonedTotal.sum();
    }

    /** Abandoned decodes still running now. */
    synchronized int abandonedRunning() {
        return abandonedRunning;
    }

    void close() {
        timer.shutdownNow();
    }
}
