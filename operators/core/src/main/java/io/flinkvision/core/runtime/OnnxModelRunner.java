package io.flinkvision.core.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flinkvision.core.model.FileDigest;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.model.OnnxEnvironment;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
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
    private final long[] sampleShape;
    private final int sampleLength;
    private final int outputLength;
    private final Set<String> outputNames;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
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
        this.sampleShape = spec.preprocess().sampleShape();
        this.sampleLength = spec.preprocess().sampleLength();
        this.outputLength = spec.outputLength();
        this.outputNames = Set.of(spec.outputName());
        this.inputs = new InputTensors(OnnxEnvironment.get(), spec.preprocess().elementType(), sampleLength);
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
    public float[][] run(float[][] batch) throws InferenceException {
        checkRows(batch);
        if (batch.length == 0) {
            return new float[0][];
        }
        Lock read = lock.readLock();
        read.lock();
        try {
            if (closed) {
                throw new InferenceException("the runner for model " + spec.name() + " is closed");
            }
            return runBatch(batch);
        } finally {
            read.unlock();
        }
    }

    private float[][] runBatch(float[][] batch) throws InferenceException {
        int fixed = spec.fixedBatchSize();
        if (fixed == 0) {
            return runChunk(batch, 0, batch.length, batch.length);
        }
        // Exported with a fixed batch size (often 1): feed it chunks of exactly that size.
        float[][] out = new float[batch.length][];
        for (int from = 0; from < batch.length; from += fixed) {
            int count = Math.min(fixed, batch.length - from);
            float[][] rows = runChunk(batch, from, count, fixed);
            System.arraycopy(rows, 0, out, from, count);
        }
        return out;
    }

    private float[][] runChunk(float[][] batch, int from, int count, int tensorBatch) throws InferenceException {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = tensorBatch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (OnnxTensor input = inputs.create(batch, from, count, shape);
                OrtSession.Result result = opened.session().run(Map.of(spec.inputName(), input), outputNames)) {
            return rows(result, count, tensorBatch);
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + count + " for model " + spec.name()
                    + " on " + opened.placement().device() + ": " + e.getMessage(), e);
        }
    }

    /** Copies the first {@code count} rows out before the result (and its native memory) is closed. */
    private float[][] rows(OrtSession.Result result, int count, int tensorBatch) throws InferenceException {
        OnnxValue value = result.get(spec.outputName()).orElse(null);
        FloatBuffer data = value instanceof OnnxTensor tensor ? tensor.getFloatBuffer() : null;
        if (data == null) {
            throw new InferenceException("model " + spec.name() + " returned no float tensor for output '"
                    + spec.outputName() + "'");
        }
        // [n,C] and [n,C,1,1] are laid out identically: n rows of C values.
        if (data.remaining() != (long) tensorBatch * outputLength) {
            throw new InferenceException("model " + spec.name() + " output '" + spec.outputName() + "' has "
                    + data.remaining() + " values for a batch of " + tensorBatch + ", expected " + outputLength
                    + " per sample");
        }
        float[][] out = new float[count][outputLength];
        for (float[] row : out) {
            data.get(row);
        }
        return out;
    }

    private void checkRows(float[][] batch) {
        for (int i = 0; i < batch.length; i++) {
            if (batch[i] == null || batch[i].length != sampleLength) {
                throw new IllegalArgumentException("sample " + i + " has " + (batch[i] == null ? "no" : batch[i].length)
                        + " values; model " + spec.name() + " needs " + sampleLength);
            }
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public DevicePlacement placement() {
        return opened.placement();
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
