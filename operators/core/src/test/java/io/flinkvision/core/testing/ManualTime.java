package io.flinkvision.core.testing;

import io.flinkvision.core.batching.FlushScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A clock and a {@link FlushScheduler} that only move when a test says so: scheduled tasks run,
 * in deadline order, on the thread that calls {@link #advance}.
 */
public final class ManualTime implements LongSupplier, FlushScheduler {
    private long nowNanos;
    private long sequence;
    private final List<Task> tasks = new ArrayList<>();

    private record Task(long dueNanos, long sequence, Runnable action) {}

    @Override
    public synchronized long getAsLong() {
        return nowNanos;
    }

    @Override
    public synchronized Cancellable schedule(Runnable action, long delayNanos) {
        Task task = new Task(nowNanos + delayNanos, sequence++, action);
        tasks.add(task);
        return () -> {
            synchronized (ManualTime.this) {
                tasks.remove(task);
            }
        };
    }

    /** Moves the clock forward, running each task whose deadline is reached on the way. */
    public void advance(Duration step) {
        long target;
        synchronized (this) {
            target = nowNanos + step.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(t -> t.dueNanos() <= target)
                        .min(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::sequence))
                        .orElse(null);
                if (next == null) {
                    nowNanos = target;
                    return;
                }
                tasks.remove(next);
                nowNanos = next.dueNanos();
            }
            // Outside the lock: the task may schedule or cancel tasks.
            next.action().run();
        }
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized int scheduled() {
        return tasks.size();
    }
}
