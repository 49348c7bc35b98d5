package io.flinkvision.core.pipeline;

import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.outcome.DeadLetters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a device out of service once its runs keep failing: after {@code failuresToTrip} transient
 * failures in a row, a CUDA runner is replaced by its {@link RunnerFallback} (the CPU), with one log
 * line and one {@link PipelineListener#deviceOutOfService} call. A runner with nowhere to go (the
 * CPU) stays in use (its batches are still retried, then dead-lettered) and the trip is still
 * logged and reported once; a success there closes the breaker again.
 */
final class DeviceBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBreaker.class);

    private final RunnerFallback fallback;
    private final int failuresToTrip;
    private final PipelineListener listener;
    private volatile ModelRunner current;
    /** Guarded by this. */
    private int consecutiveFailures;
    private boolean tripped;

    DeviceBreaker(ModelRunner primary, RunnerFallback fallback, int failuresToTrip, PipelineListener listener) {
        this.current = primary;
        this.fallback = fallback;
        this.failuresToTrip = failuresToTrip;
        this.listener = listener;
    }

    /** The runner batches go to now. */
    ModelRunner current() {
        return current;
    }

    synchronized void succeeded(ModelRunner runner) {
        if (runner == current) {
            consecutiveFailures = 0;
            tripped = false;
        }
    }

    /** A transient failure of {@code runner}: the one that trips the breaker switches runners. */
    synchronized void failed(ModelRunner runner, Throwable failure) {
        if (runner != current || tripped || ++consecutiveFailures < failuresToTrip) {
            return;
        }
        tripped = true;
        String device = runner.placement().device();
        String model = runner.spec().name();
        if (fallback != null && runner.placement().actual() == Device.CUDA) {
            try {
                ModelRunner replacement = fallback.open();
                current = replacement;
                consecutiveFailures = 0;
                tripped = false;
                LOG.warn("Device {} failed {} batches of model {} in a row (last: {}); it is out of service, the model"
                        + " now runs on {}", device, failuresToTrip, model, DeadLetters.describe(failure),
                        replacement.placement().device());
                listener.deviceOutOfService(device, replacement.placement().device());
                return;
            } catch (RuntimeException e) {
                LOG.error("Device {} failed {} batches of model {} in a row, and its fallback could not be opened ({});"
                        + " batches stay on {}", device, failuresToTrip, model, DeadLetters.describe(e), device);
                listener.deviceOutOfService(device, null);
                return;
            }
        }
        LOG.error("Device {} failed {} batches of model {} in a row (last: {}); there is no other device to fall back"
                + " to: batches stay there, each retried, then dead-lettered", device, failuresToTrip, model,
                DeadLetters.describe(failure));
        listener.deviceOutOfService(device, null);
    }
}
