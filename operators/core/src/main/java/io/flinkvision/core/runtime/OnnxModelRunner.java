package io.flinkvision.core.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flinkvision.core.model.FileDigest;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.OnnxEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ModelRunner} on ONNX Runtime. Concurrent {@link #run} calls share one session (ORT's run
 * is thread-safe); {@link #close()} takes the write side of a read-write lock, so it waits for the
 * runs in flight, whose read locks would otherwise race a native free and crash the JVM.
 */
public final class OnnxModelRunner implements ModelRunner {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelRunner.class);

    private final ModelSpec spec;
    private final OpenedSession opened;
    private final InputTensors inputs;
    private final Set<String> outputNames;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * Native values (input tensors, run results) created and not yet closed: zero whenever no run is
     * in flight, or native memory leaks. Counted because ORT's off-heap memory is invisible to the GC.
     */
    private final AtomicInteger openNativeValues = new AtomicInteger();
    /** Written under the write lock, read under the read lock. */
    private boolean closed;

    /**
     * @throws IllegalStateException when the model file is missing or differs from the one the spec
     *     was built from, when ONNX Runtime cannot open it, or when CUDA fails and fallback is off
     */
    public OnnxModelRunner(ModelSpec spec, RunnerOptions options) {
        this.spec = spec;
        checkSameFile(spec);
        this.opened = SessionOpener.open(spec, options);
        this.outputNames = new LinkedHashSet<>(spec.outputNames());
        this.inputs = new InputTensors(OnnxEnvironment.get());
        LOG.info("Opened model {} on {} with {} intra-op thread(s)", spec.name(), opened.placement(),
                options.intraOpThreads());
    }

    /**
     * The spec is built where the job is configured but the runner opens the file on a TaskManager:
     * check it is the same model, or results would carry the wrong identity.
     */
    private static void checkSameFile(ModelSpec spec) {
        Path path = Path.of(spec.modelPath());
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("model file not found on this machine: " + path
                    + " (the model path must exist on every TaskManager)");
        }
        String sha256 = FileDigest.sha256Hex(path);
        if (!sha256.equals(spec.sha256())) {
            throw new IllegalStateException("model file " + path + " has sha256 " + sha256
                    + " but the job was configured with " + spec.sha256() + "; deploy the same file everywhere");
        }
    }

    @Override
    public List<Map<String, Tensor>> run(List<Map<String, Tensor>> samples) throws InferenceException {
        if (samples.isEmpty()) {
            return List.of();
        }
        Map<String, Tensor> first = samples.get(0);
        checkAlike(samples, first);
        Lock read = lock.readLock();
        read.lock();
        try {
            if (closed) {
                throw new InferenceException("the runner for model " + spec.name() + " is closed");
            }
            return runBatch(samples, first);
        } finally {
            read.unlock();
        }
    }

    private List<Map<String, Tensor>> runBatch(List<Map<String, Tensor>> samples, Map<String, Tensor> first)
            throws InferenceException {
        int fixed = spec.fixedBatchSize();
        if (fixed == 0) {
            return runChunk(samples, first, 0, samples.size(), samples.size());
        }
        // Exported with a fixed batch size (often 1): feed it chunks of exactly that size.
        List<Map<String, Tensor>> out = new ArrayList<>(samples.size());
        for (int from = 0; from < samples.size(); from += fixed) {
            out.addAll(runChunk(samples, first, from, Math.min(fixed, samples.size() - from), fixed));
        }
        return out;
    }

    private List<Map<String, Tensor>> runChunk(List<Map<String, Tensor>> samples, Map<String, Tensor> first, int from,
            int count, int tensorBatch) throws InferenceException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, Tensor> input : first.entrySet()) {
                Tensor t = input.getValue();
                feed.put(input.getKey(), inputs.create(input.getKey(), t.type(), samples, from, count,
                        withBatch(tensorBatch, t.shape())));
                openNativeValues.incrementAndGet();
            }
            OrtSession.Result result = opened.session().run(feed, outputNames);
            openNativeValues.incrementAndGet();
            try {
                return split(result, count, tensorBatch);
            } finally {
                result.close();
                openNativeValues.decrementAndGet();
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + count + " for model " + spec.name()
                    + " on " + opened.placement().device() + ": " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
                openNativeValues.decrementAndGet();
            }
        }
    }

    /** Copies the first {@code count} samples of every output out before the result (and its native memory) is closed. */
    private List<Map<String, Tensor>> split(OrtSession.Result result, int count, int tensorBatch)
            throws InferenceException, OrtException {
        List<Map<String, Tensor>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new HashMap<>(outputNames.size() * 2));
        }
        for (String name : outputNames) {
            OnnxValue value = result.get(name).orElse(null);
            if (!(value instanceof OnnxTensor tensor)) {
                throw new InvalidModelOutputException("model " + spec.name() + " returned no tensor for output '" + name + "'");
            }
            OutputTensors.split(spec.name(), name, tensor, count, tensorBatch, out);
        }
        return out;
    }

    private void checkAlike(List<Map<String, Tensor>> samples, Map<String, Tensor> first) {
        for (int i = 1; i < samples.size(); i++) {
            Map<String, Tensor> sample = samples.get(i);
            if (!sample.keySet().equals(first.keySet())) {
                throw new IllegalArgumentException("sample " + i + " has inputs " + sample.keySet() + ", sample 0 has "
                        + first.keySet() + "; model " + spec.name() + " needs the same inputs for every sample");
            }
            for (Map.Entry<String, Tensor> e : first.entrySet()) {
                Tensor t = sample.get(e.getKey());
                if (t.type() != e.getValue().type() || !Arrays.equals(t.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("input '" + e.getKey() + "' of sample " + i + " is " + t
                            + ", of sample 0 " + e.getValue() + "; one batch needs one shape");
                }
            }
        }
    }

    private static long[] withBatch(int batch, long[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public DevicePlacement placement() {
        return opened.placement();
    }

    /**
     * Native tensors and results this runner has open now: its runs' inputs and outputs while they
     * are in flight, and zero once they are all done (a leak otherwise).
     */
    public int openNativeValues() {
        return openNativeValues.get();
    }

    /** Runs holding the session (its read lock) right now: what close() waits for. For tests. */
    int runsInFlight() {
        return lock.getReadLockCount();
    }

    /** Waits for runs in flight, then frees the session. Idempotent. */
    @Override
    public void close() {
        Lock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            opened.close();
            LOG.info("Closed model {} on {}", spec.name(), opened.placement().device());
        } catch (OrtException e) {
            LOG.warn("Closing model {} failed: {}", spec.name(), e.getMessage());
        } finally {
            write.unlock();
        }
    }
}
