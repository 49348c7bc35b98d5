package io.flinkvision.flink;

import io.flinkvision.core.pipeline.FrameResult;
import io.flinkvision.core.pipeline.PipelineListener;
import io.flinkvision.core.runtime.DevicePlacement;
import io.flinkvision.schemas.ReasonCode;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The inference operator's Flink metrics, fed by the pipeline's callbacks. Thread-safe: the
 * pipeline reports from its preprocessing and inference threads. A detector's operator also has
 * the histograms {@value #DETECTIONS_PER_FRAME}, {@value #NMS_MICROS} (time suppressing
 * overlapping boxes, per frame) and {@value #SECONDARY_PER_FRAME} (boxes the secondary classifier
 * labelled, per frame); a classifier's does not, so its per-frame path records nothing more.
 */
public final class InferenceMetrics implements PipelineListener {
    static final String FRAMES_IN = "framesIn";
    static final String FRAMES_LABELLED = "framesLabelled";
    static final String FRAMES_DEAD_LETTERED = "framesDeadLettered";
    static final String BATCHES = "batches";
    static final String REASON_GROUP = "reason";
    static final String BATCH_SIZE = "batchSize";
    static final String INFERENCE_LATENCY = "inferenceLatencyMillis";
    static final String DEVICE = "device";
    static final String FELL_BACK_TO_CPU = "fellBackToCpu";
    static final String BATCH_RETRIES = "batchRetries";
    static final String DEVICES_OUT_OF_SERVICE = "devicesOutOfService";
    static final String DECODES_ABANDONED = "decodesAbandoned";
    static final String DETECTIONS_PER_FRAME = "detectionsPerFrame";
    static final String NMS_MICROS = "nmsMicros";
    static final String SECONDARY_PER_FRAME = "secondaryClassificationsPerFrame";
    /** Key of the group whose value is the device, so reporters that take numbers only (Prometheus) still show it. */
    static final String DEVICE_NAME_GROUP = "deviceName";
    /** 1 under {@code deviceName=<device>} while batches run there, else 0: {@code ..._deviceName_inferenceDevice{deviceName="cpu"} 1}. */
    static final String INFERENCE_DEVICE = "inferenceDevice";
    /** Samples kept per histogram: enough for stable percentiles, small enough to copy per report. */
    private static final int HISTOGRAM_WINDOW = 1_000;

    private final MetricGroup group;
    private final Counter framesIn;
    private final Counter framesLabelled;
    private final Counter framesDeadLettered;
    private final Counter batches;
    private final Map<ReasonCode, Counter> byReason = new EnumMap<>(ReasonCode.class);
    private final Histogram batchSize;
    private final Histogram inferenceLatencyMillis;
    private final Counter batchRetries;
    private final Counter devicesOutOfService;
    private final Counter decodesAbandoned;
    /** Where batches go now: set when the runner opens, changed when its device is taken out of service. */
    private volatile String device = "unknown";
    private volatile int fellBackToCpu;
    private boolean deviceGaugesRegistered;
    private final Set<String> deviceNamesRegistered = new HashSet<>();
    /** Null for a classifier. */
    private final Histogram detectionsPerFrame;
    private final Histogram nmsMicros;
    private final Histogram secondaryPerFrame;

    /** A classifier's metrics. */
    public InferenceMetrics(MetricGroup group) {
        this(group, false);
    }

    /** @param detection whether the operator runs a detector: registers its per-frame histograms */
    public InferenceMetrics(MetricGroup group, boolean detection) {
        this.group = group;
        this.framesIn = group.counter(FRAMES_IN, new ThreadSafeSimpleCounter());
        this.framesLabelled = group.counter(FRAMES_LABELLED, new ThreadSafeSimpleCounter());
        this.framesDeadLettered = group.counter(FRAMES_DEAD_LETTERED, new ThreadSafeSimpleCounter());
        this.batches = group.counter(BATCHES, new ThreadSafeSimpleCounter());
        // All codes up front: the map is then only read, from any thread, and every code reports 0.
        for (ReasonCode reason : ReasonCode.values()) {
            byReason.put(reason, group.addGroup(REASON_GROUP, reason.name())
                    .counter(FRAMES_DEAD_LETTERED, new ThreadSafeSimpleCounter()));
        }
        this.batchSize = group.histogram(BATCH_SIZE, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        this.inferenceLatencyMillis =
                group.histogram(INFERENCE_LATENCY, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        this.batchRetries = group.counter(BATCH_RETRIES, new ThreadSafeSimpleCounter());
        this.devicesOutOfService = group.counter(DEVICES_OUT_OF_SERVICE, new ThreadSafeSimpleCounter());
        this.decodesAbandoned = group.counter(DECODES_ABANDONED, new ThreadSafeSimpleCounter());
        if (detection) {
            this.detectionsPerFrame =
                    group.histogram(DETECTIONS_PER_FRAME, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
            this.nmsMicros = group.histogram(NMS_MICROS, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
            this.secondaryPerFrame =
                    group.histogram(SECONDARY_PER_FRAME, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        } else {
            this.detectionsPerFrame = null;
            this.nmsMicros = null;
            this.secondaryPerFrame = null;
        }
    }

    /** Registers where the runner runs ("cpu" or "cuda:N"), once it is open. */
    public synchronized void reportDevice(DevicePlacement placement) {
        device = placement.device();
        // 0/1 rather than a boolean: numeric gauges are what every metrics reporter can export.
        fellBackToCpu = placement.fellBackToCpu() ? 1 : 0;
        if (!deviceGaugesRegistered) {
            deviceGaugesRegistered = true;
            group.gauge(DEVICE, (Gauge<String>) () -> device);
            group.gauge(FELL_BACK_TO_CPU, (Gauge<Integer>) () -> fellBackToCpu);
        }
        registerDeviceName(device);
    }

    /**
     * The device as a label, for reporters that export numbers only: one gauge per device this operator
     * has run on, 1 for the current one.
     */
    private synchronized void registerDeviceName(String name) {
        if (deviceNamesRegistered.add(name)) {
            group.addGroup(DEVICE_NAME_GROUP, name).gauge(INFERENCE_DEVICE,
                    (Gauge<Integer>) () -> name.equals(device) ? 1 : 0);
        }
    }

    @Override
    public void batchRetried() {
        batchRetries.inc();
    }

    /** The gauges follow the switch: device "cpu", fellBackToCpu 1. */
    @Override
    public void deviceOutOfService(String failed, String replacement) {
        devicesOutOfService.inc();
        if (replacement != null) {
            device = replacement;
            fellBackToCpu = 1;
            registerDeviceName(replacement);
        }
    }

    @Override
    public void decodeAbandoned() {
        decodesAbandoned.inc();
    }

    @Override
    public void frameIn() {
        framesIn.inc();
    }

    @Override
    public void labelled() {
        framesLabelled.inc();
    }

    @Override
    public void decoded(FrameResult result) {
        if (detectionsPerFrame != null) {
            detectionsPerFrame.update(result.detections().size());
            nmsMicros.update(result.nmsNanos() / 1_000);
            secondaryPerFrame.update(result.secondaryClassifications());
        }
    }

    @Override
    public void deadLettered(ReasonCode reason) {
        framesDeadLettered.inc();
        byReason.get(reason != null ? reason : ReasonCode.UNKNOWN).inc();
    }

    @Override
    public void batchRun(int size, long inferenceNanos) {
        batches.inc();
        batchSize.update(size);
        inferenceLatencyMillis.update(inferenceNanos / 1_000_000);
    }
}
