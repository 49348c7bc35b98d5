package io.flinkvision.core.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.OnnxEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens an ONNX Runtime session on the requested device, falling back from CUDA to CPU if allowed. */
final class SessionOpener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionOpener.class);

    private SessionOpener() {}

    /** One attempt at opening a session, on CUDA or on the CPU; the device choice is {@link #place}'s. */
    @FunctionalInterface
    interface Attempt<S> {
        S open(boolean cuda) throws OrtException;
    }

    /** What an attempt opened, and where. */
    record Placed<S>(S session, DevicePlacement placement) {}

    /** @throws IllegalStateException when the model cannot be opened, or CUDA fails and fallback is off */
    static OpenedSession open(ModelSpec spec, RunnerOptions options) {
        Placed<NativeSession> placed = place(spec, options, cuda -> openOn(spec, options, cuda));
        return new OpenedSession(placed.session().session(), placed.session().options(), placed.placement());
    }

    /**
     * The device selection: CPU when CPU is asked for; CUDA when it opens; else, on any failure to
     * open on CUDA, one WARN and CPU, or with {@code failIfCudaUnavailable} an exception.
     *
     * @throws IllegalStateException when the model cannot be opened, or CUDA fails and fallback is off
     */
    static <S> Placed<S> place(ModelSpec spec, RunnerOptions options, Attempt<S> attempt) {
        if (options.device() == Device.CUDA) {
            int index = options.cudaDeviceIndex();
            try {
                return new Placed<>(attempt.open(true), DevicePlacement.cuda(index));
            } catch (OrtException | RuntimeException | LinkageError e) {
                // The CPU artifact has no CUDA provider, and the GPU one fails without a driver or
                // CUDA 12 libraries; either way the error surfaces here, at addCUDA or session creation.
                if (options.failIfCudaUnavailable()) {
                    throw new IllegalStateException("CUDA device " + index + " is unavailable for model "
                            + spec.name() + ": " + e.getMessage()
                            + " (build with -Pgpu for onnxruntime_gpu and CUDA 12, or run with --device CPU)", e);
                }
                LOG.warn("CUDA device {} unavailable for model {} ({}); running on CPU instead",
                        index, spec.name(), oneLine(e));
                try {
                    return new Placed<>(attempt.open(false), DevicePlacement.fellBackFromCuda(index));
                } catch (OrtException cpuFailure) {
                    cpuFailure.addSuppressed(e);
                    throw cannotOpen(spec, cpuFailure);
                }
            }
        }
        try {
            return new Placed<>(attempt.open(false), DevicePlacement.cpu());
        } catch (OrtException e) {
            throw cannotOpen(spec, e);
        }
    }

    /** A session with the options it was created with. */
    private record NativeSession(OrtSession session, SessionOptions options) {}

    private static NativeSession openOn(ModelSpec spec, RunnerOptions options, boolean cuda) throws OrtException {
        // Fresh options per attempt: a failed addCUDA must not leave a half-configured provider behind.
        SessionOptions sessionOptions = new SessionOptions();
        try {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            // Classification graphs are a single chain of ops: inter-op parallelism only adds threads.
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            // A TaskManager shares its cores among slots, preprocessing threads and other sessions:
            // intra-op workers that busy-wait between ops steal them (measured on 2 shared cores,
            // batch 4 with 2 threads: 27-71 frames/s spinning vs 50-87 not).
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (!cuda) {
                return new NativeSession(OnnxEnvironment.get().createSession(spec.modelPath(), sessionOptions),
                        sessionOptions);
            }
            // The provider copies its options when appended: they can be freed once the session exists.
            try (OrtCUDAProviderOptions cudaOptions = new OrtCUDAProviderOptions(options.cudaDeviceIndex())) {
                for (var option : options.cuda().providerOptions(options.cudaDeviceIndex()).entrySet()) {
                    cudaOptions.add(option.getKey(), option.getValue());
                }
                sessionOptions.addCUDA(cudaOptions);
                LOG.info("CUDA provider options for model {}: {}", spec.name(),
                        options.cuda().providerOptions(options.cudaDeviceIndex()));
                return new NativeSession(OnnxEnvironment.get().createSession(spec.modelPath(), sessionOptions),
                        sessionOptions);
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            sessionOptions.close();
            throw e;
        }
    }

    private static IllegalStateException cannotOpen(ModelSpec spec, OrtException e) {
        return new IllegalStateException("ONNX Runtime cannot open model " + spec.modelPath() + ": " + e.getMessage(), e);
    }

    private static String oneLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }
}
