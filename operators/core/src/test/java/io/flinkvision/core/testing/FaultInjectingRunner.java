package io.flinkvision.core.testing;

import ai.onnxruntime.OrtException;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real runner (an {@code OnnxModelRunner}) with faults injected around it, one per run as
 * scripted: the run fails as ONNX Runtime reports a CUDA or an argument error (without reaching the
 * session), or the session runs and its outputs are then spoiled (a NaN, a missing sample, a short
 * row). After the script, every run is {@code thereafter}.
 */
public final class FaultInjectingRunner implements ModelRunner {
    public enum Fault {
        NONE,
        /** What ORT's CUDA provider raises when the device is out of memory. */
        CUDA_OUT_OF_MEMORY,
        /** What ORT raises for an input of the wrong shape. */
        INVALID_ARGUMENT,
        /** The real outputs, with the first value of the first sample's first output NaN. */
        NAN_IN_FIRST_SAMPLE,
        /** The real outputs less the last sample's. */
        MISSING_SAMPLE,
        /** The real outputs with the first sample's rows one value short. */
        SHORT_ROW_IN_FIRST_SAMPLE
    }

    private final ModelRunner real;
    private final List<Fault> script;
    private final Fault thereafter;
    private final DevicePlacement placement;
    public final AtomicInteger runs = new AtomicInteger();
    public final AtomicInteger realRuns = new AtomicInteger();

    /** @param placement what it says it runs on (a CUDA placement makes it a candidate for CPU fallback) */
    public FaultInjectingRunner(ModelRunner real, List<Fault> script, Fault thereafter, DevicePlacement placement) {
        this.real = real;
        this.script = List.copyOf(script);
        this.thereafter = thereafter;
        this.placement = placement;
    }

    public FaultInjectingRunner(ModelRunner real, List<Fault> script, Fault thereafter) {
        this(real, script, thereafter, real.placement());
    }

    @Override
    public List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) throws InferenceException {
        int run = runs.getAndIncrement();
        Fault fault = run < script.size() ? script.get(run) : thereafter;
        switch (fault) {
            case CUDA_OUT_OF_MEMORY -> throw new InferenceException("ONNX Runtime failed on a batch of " + samples.size(),
                    new OrtException(OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                            "CUDA failure 2: out of memory ; GPU=0 ; expr=cudaMalloc(&p, size)"));
            case INVALID_ARGUMENT -> throw new InferenceException("ONNX Runtime failed on a batch of " + samples.size(),
                    new OrtException(OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT,
                            "Got invalid dimensions for input: image for the following indices index: 2 Got: 7 Expected: 8"));
            default -> { }
        }
        realRuns.incrementAndGet();
        List<Map<String, Tensor>> outputs = new ArrayList<>(real.run(samples));
        switch (fault) {
            case NAN_IN_FIRST_SAMPLE -> outputs.set(0, spoilFirst(outputs.get(0), false));
            case MISSING_SAMPLE -> outputs.remove(outputs.size() - 1);
            case SHORT_ROW_IN_FIRST_SAMPLE -> outputs.set(0, spoilFirst(outputs.get(0), true));
            default -> { }
        }
        return outputs;
    }

    private static Map<String, Tensor> spoilFirst(Map<String, Tensor> sample, boolean shorten) {
        Map<String, Tensor> spoiled = new HashMap<>();
        for (Map.Entry<String, Tensor> e : sample.entrySet()) {
            float[] values = e.getValue().floats().clone();
            if (shorten) {
                float[] shorter = java.util.Arrays.copyOf(values, values.length - 1);
                spoiled.put(e.getKey(), Tensor.ofFloats(new long[] {shorter.length}, shorter));
            } else {
                values[0] = Float.NaN;
                spoiled.put(e.getKey(), Tensor.ofFloats(e.getValue().shape(), values));
            }
        }
        return spoiled;
    }

    @Override
    public ModelSpec spec() {
        return real.spec();
    }

    @Override
    public DevicePlacement placement() {
        return placement;
    }

    /** Does not close the real runner: its owner does. */
    @Override
    public void close() {}
}
