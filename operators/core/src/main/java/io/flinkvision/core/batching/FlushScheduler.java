package io.flinkvision.core.batching;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay. {@link MicroBatcher} uses it for its time trigger; it is an
 * interface so that tests can drive time by hand instead of sleeping.
 */
public interface FlushScheduler {

    /** Runs {@code task} once, {@code delayNanos} from now, unless cancelled first. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that may still be called off. */
    interface Cancellable {
        void cancel();
    }

    /** Schedules on {@code executor}; the caller owns and shuts down the executor. */
    static FlushScheduler on(ScheduledExecutorService executor) {
        return (task, delayNanos) -> {
            ScheduledFuture<?> future = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            // false: a flush already running completes, it only hands over a batch.
            return () -> future.cancel(false);
        };
    }
}
