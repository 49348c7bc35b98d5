package io.flinkvision.tests.faults;

import ai.onnxruntime.OrtException;
import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.pipeline.ClassificationTranslator;
import io.flinkvision.core.pipeline.FrameResult;
import io.flinkvision.core.pipeline.FrameTranslator;
import io.flinkvision.core.pipeline.InferencePipeline;
import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.pipeline.PreparedSample;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.core.sharing.ModelRegistry;
import io.flinkvision.flink.PipelineFactory;
import io.flinkvision.flink.PipelineHandle;
import io.flinkvision.schemas.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The job's inference seam with faults: the real model from the JVM-wide registry (a real ONNX
 * Runtime session), wrapped so that runs fail, stall or return spoiled outputs as {@link Faults}
 * says, and the real translator, wrapped so that chosen frames' decodes hang. The pipelines it
 * opens are kept in {@link #OPENED} (MiniCluster runs in the test's JVM) so that the test can read
 * their bounds afterwards.
 */
public final class FaultInjectingPipelineFactory implements PipelineFactory {
    private static final long serialVersionUID = 1L;

    /** Every pipeline opened in this JVM, in order. */
    public static final List<InferencePipeline> OPENED = new CopyOnWriteArrayList<>();

    private final ModelSpec spec;
    private final PipelineSettings settings;
    private final Faults faults;

    public FaultInjectingPipelineFactory(ModelSpec spec, PipelineSettings settings, Faults faults) {
        this.spec = spec;
        this.settings = settings;
        this.faults = faults;
    }

    @Override
    public PipelineSettings settings() {
        return settings;
    }

    @Override
    public PipelineHandle open(RunnerOptions options, PipelineListener listener) {
        ModelRegistry.Lease lease = ModelRegistry.jvmWide().acquire(spec, options);
        try {
            ModelRunner runner = new FaultyRunner(lease.runner(), faults);
            FrameTranslator translator = new StallingTranslator(
                    new ClassificationTranslator(spec, settings.limits().decodeBudget(settings.maxPixels())), faults);
            InferencePipeline pipeline = InferencePipeline.builder().runner(runner).translator(translator)
                    .model(spec.identity()).settings(settings).listener(listener).build();
            OPENED.add(pipeline);
            return new PipelineHandle(pipeline, runner.placement(), lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class StallingTranslator implements FrameTranslator {
        private final FrameTranslator real;
        private final Faults faults;

        StallingTranslator(FrameTranslator real, Faults faults) {
            this.real = real;
            this.faults = faults;
        }

        @Override
        public PreparedSample prepare(Frame frame) throws FrameRejectedException {
            if (faults.stallDecode(frame.getSequence())) {
                sleep(faults.stallMillis());
            }
            return real.prepare(frame);
        }

        @Override
        public FrameResult decode(PreparedSample sample, Map<String, Tensor> outputs) throws Exception {
            return real.decode(sample, outputs);
        }
    }

    private static final class FaultyRunner implements ModelRunner {
        private final ModelRunner real;
        private final Faults faults;
        private final AtomicInteger runs = new AtomicInteger();

        FaultyRunner(ModelRunner real, Faults faults) {
            this.real = real;
            this.faults = faults;
        }

        @Override
        public List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) throws InferenceException {
            Faults.RunFault fault = faults.run(runs.getAndIncrement());
            if (faults.slowdownMillis() > 0) {
                sleep(faults.slowdownMillis());
            }
            switch (fault) {
                case CUDA_OUT_OF_MEMORY -> throw new InferenceException("ONNX Runtime failed",
                        new OrtException(OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                                "CUDA failure 2: out of memory ; GPU=0 ; expr=cudaMalloc(&p, size)"));
                case INVALID_ARGUMENT -> throw new InferenceException("ONNX Runtime failed",
                        new OrtException(OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT,
                                "Got invalid dimensions for input: images for the following indices index: 2 Got: 223"));
                case STALL -> sleep(faults.stallMillis());
                default -> { }
            }
            List<Map<String, Tensor>> outputs = new ArrayList<>(real.run(samples));
            switch (fault) {
                case NAN_SCORES -> outputs.set(0, spoil(outputs.get(0), false));
                case SHORT_ROW -> outputs.set(0, spoil(outputs.get(0), true));
                case MISSING_SAMPLE -> outputs.remove(outputs.size() - 1);
                default -> { }
            }
            return outputs;
        }

        private static Map<String, Tensor> spoil(Map<String, Tensor> sample, boolean shorten) {
            Map<String, Tensor> spoiled = new HashMap<>();
            for (Map.Entry<String, Tensor> e : sample.entrySet()) {
                float[] values = e.getValue().floats();
                float[] bad = shorten ? Arrays.copyOf(values, values.length - 1) : values.clone();
                if (!shorten) {
                    bad[0] = Float.NaN;
                }
                spoiled.put(e.getKey(), Tensor.ofFloats(new long[] {bad.length}, bad));
            }
            return spoiled;
        }

        @Override
        public ModelSpec spec() {
            return real.spec();
        }

        @Override
        public DevicePlacement placement() {
            return real.placement();
        }

        /** The registry lease closes the real runner. */
        @Override
        public void close() {}
    }
}
