package io.flinkvision.core.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.OnnxEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens an ONNX Runtime session on the requested device, falling back from CUDA to CPU if allowed. */
final class SessionOpener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionOpener.class);

    private SessionOpener() {}

    /** @throws IllegalStateException when the model cannot be opened, or CUDA fails and fallback is off */
    static OpenedSession open(ModelSpec spec, RunnerOptions options) {
        if (options.device() == Device.CUDA) {
            try {
                return openOn(spec, options, true);
            } catch (OrtException | RuntimeException | LinkageError e) {
                // The CPU artifact has no CUDA provider, and the GPU one fails without a driver or
                // CUDA 12 libraries; either way the error surfaces here, at addCUDA or session creation.
                if (options.failIfCudaUnavailable()) {
                    throw new IllegalStateException("CUDA device " + options.cudaDeviceIndex()
                            + " is unavailable for model " + spec.name() + ": " + e.getMessage()
                            + " (build with -Pgpu for onnxruntime_gpu and CUDA 12, or run with --device CPU)", e);
                }
                LOG.warn("CUDA device {} unavailable for model {} ({}); running on CPU instead",
                        options.cudaDeviceIndex(), spec.name(), oneLine(e));
                try {
                    OpenedSession cpu = openOn(spec, options, false);
                    return new OpenedSession(cpu.session(), cpu.options(), cpu.device(), true);
                } catch (OrtException cpuFailure) {
                    cpuFailure.addSuppressed(e);
                    throw cannotOpen(spec, cpuFailure);
                }
            }
        }
        try {
            return openOn(spec, options, false);
        } catch (OrtException e) {
            throw cannotOpen(spec, e);
        }
    }

    private static OpenedSession openOn(ModelSpec spec, RunnerOptions options, boolean cuda) throws OrtException {
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
            if (cuda) {
                sessionOptions.addCUDA(options.cudaDeviceIndex());
            }
            OrtSession session = OnnxEnvironment.get().createSession(spec.modelPath(), sessionOptions);
            return new OpenedSession(session, sessionOptions, cuda ? "cuda:" + options.cudaDeviceIndex() : "cpu", false);
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
