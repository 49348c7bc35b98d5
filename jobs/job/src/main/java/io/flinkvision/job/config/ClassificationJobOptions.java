package io.flinkvision.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.flinkvision.core.runtime.CudaSettings;
import io.flinkvision.core.runtime.Device;
import io.flinkvision.core.model.BoxFormat;
import io.flinkvision.core.model.ChannelOrder;
import io.flinkvision.core.model.DecoderKind;
import io.flinkvision.core.model.PixelRange;
import io.flinkvision.core.model.ResizeFilter;
import io.flinkvision.core.model.ResizeMode;
import io.flinkvision.core.model.OutputKind;
import io.flinkvision.core.model.TensorLayout;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Every setting of the job (classification, detection, detect+classify: {@link #TASK}). On the command line each is {@code --<key> <value>}
 * (or {@code --key=value}); in a properties file ({@code --config FILE}) it is {@code key=value}.
 * Keys starting with {@code kafka.} are passed, without the prefix, to every Kafka client (SASL, SSL).
 */
public final class ClassificationJobOptions {
    private ClassificationJobOptions() {}

    // ---- Kafka
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("bootstrap-servers").stringType()
            .defaultValue("localhost:9092").withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> FRAMES_TOPIC = key("frames-topic").stringType()
            .defaultValue("frames").withDescription("Topic the Avro Frames are read from.");
    public static final ConfigOption<String> LABELLED_TOPIC = key("labelled-topic").stringType()
            .defaultValue("labelled-frames").withDescription("Topic the Avro LabelledFrames are written to.");
    public static final ConfigOption<String> SUMMARIES_TOPIC = key("summaries-topic").stringType()
            .defaultValue("window-summaries").withDescription("Topic the Avro WindowSummaries are written to.");
    public static final ConfigOption<String> DEAD_LETTER_TOPIC = key("dead-letter-topic").stringType()
            .defaultValue("dead-letters").withDescription("Topic the Avro DeadLetters are written to.");
    public static final ConfigOption<String> JOB_NAME = key("job-name").stringType().noDefaultValue()
            .withDescription("This deployment's name, unique among the jobs on the same Kafka: the Flink job"
                    + " name, and the default --group-id and --transactional-id-prefix (two jobs that share a"
                    + " prefix abort each other's transactions). Required unless both of those are given.");
    public static final ConfigOption<String> GROUP_ID = key("group-id").stringType().noDefaultValue()
            .withDescription("Kafka consumer group of the frames source; default: --job-name.");
    public static final ConfigOption<Boolean> STOP_AT_LATEST = key("stop-at-latest").booleanType()
            .defaultValue(false).withDescription(
                    "Read the frames topic up to its end offsets at start, then finish (a bounded run).");
    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = key("delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("exactly-once (Kafka transactions; read outputs with isolation.level=read_committed)"
                    + " or at-least-once (duplicates after a restart); none is refused: it loses outcomes.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("transactional-id-prefix").stringType()
            .noDefaultValue().withDescription(
                    "Prefix of the sinks' Kafka transactional ids, unique per deployment; default: --job-name.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = key("transaction-timeout").durationType()
            .defaultValue(Duration.ofMinutes(15)).withDescription(
                    "Kafka transaction.timeout.ms of the sinks: at most the broker's transaction.max.timeout.ms"
                            + " (15 min by default; checked at start) and, with exactly-once, more than checkpoint"
                            + " interval + checkpoint timeout + --expected-restart-time, or Kafka aborts a transaction"
                            + " that a checkpoint still has to commit.");
    public static final ConfigOption<Duration> EXPECTED_RESTART_TIME = key("expected-restart-time").durationType()
            .defaultValue(Duration.ofMinutes(2)).withDescription(
                    "How long a failover may take before the job runs again (new TaskManager, state restored):"
                            + " transactions pending at the failure must outlive it to be committed.");
    public static final ConfigOption<Integer> MAX_FRAME_BYTES = key("max-frame-bytes").intType()
            .defaultValue(8 * 1024 * 1024).withDescription(
                    "Largest Kafka record the job reads or writes (fetch and request sizes). A larger frames"
                            + " record is dead-lettered as TOO_LARGE.");
    public static final ConfigOption<Integer> DEAD_LETTER_MAX_BYTES = key("dead-letter-max-bytes").intType()
            .noDefaultValue().withDescription(
                    "Most bytes of the original record a dead letter carries; a longer one carries a prefix and"
                            + " truncated=true (its source topic/partition/offset say where the rest is). Default:"
                            + " the producers' max.request.size (--max-frame-bytes) less 64 KiB, so that every"
                            + " dead letter can be written.");
    public static final ConfigOption<Duration> MAX_FRAME_AGE = key("max-frame-age").durationType()
            .defaultValue(Duration.ofDays(7)).withDescription(
                    "A frame captured longer ago than this (by the wall clock when it is read) is dead-lettered"
                            + " as INVALID_TIMESTAMP; 7 days is Kafka's default retention, beyond which its outputs"
                            + " would be deleted on arrival.");
    public static final ConfigOption<Duration> MAX_CLOCK_SKEW = key("max-clock-skew").durationType()
            .defaultValue(Duration.ofSeconds(10)).withDescription(
                    "A frame whose capture time is further ahead of the wall clock than this is dead-lettered as"
                            + " INVALID_TIMESTAMP: it would move the watermark and make the frames behind it late.");
    public static final ConfigOption<List<String>> WRITER_SCHEMAS = key("writer-schemas").stringType().asList()
            .noDefaultValue().withDescription("Frame schema files (.avsc) accepted from producers besides the"
                    + " versions built into the job (schemas/src/main/avro/history), e.g. a newer compatible one;"
                    + " each must be readable by the job's Frame schema. Frames naming any other are dead-lettered"
                    + " as UNKNOWN_SCHEMA.");
    public static final ConfigOption<Boolean> PREFLIGHT = key("preflight").booleanType().defaultValue(true)
            .withDescription("At start, check with the Kafka admin client that the output topics take the"
                    + " largest records the job writes (max.message.bytes) and that the transaction timeout is"
                    + " within the broker's transaction.max.timeout.ms; fail with what to change if not.");

    // ---- Task
    public static final ConfigOption<JobTask> TASK = key("task").enumType(JobTask.class)
            .defaultValue(JobTask.CLASSIFY).withDescription(
                    "classify (top-k per frame), detect (boxes, classes and scores per frame) or detect+classify"
                            + " (detect, then classify each box with --secondary-model).");

    // ---- Model
    public static final ConfigOption<String> MODEL = key("model").stringType().noDefaultValue()
            .withDescription("ONNX model of the task: the classifier, or with --task detect[+classify] the detector (required;"
                    + " default: $FLINKVISION_MODEL): a path or a URI of any Flink"
                    + " file system (file://, s3://, hdfs://... with its plugin). The TaskManagers load it when"
                    + " inference opens; where the job is built it is only checked, if readable there.");
    public static final ConfigOption<String> MODEL_SHA256 = key("model-sha256").stringType().noDefaultValue()
            .withDescription("Expected SHA-256 of the model file (64 hex digits): a model with other bytes fails"
                    + " the job with both digests, on the client when it can read the model, else on the TaskManager.");
    public static final ConfigOption<String> LABELS = key("labels").stringType().noDefaultValue()
            .withDescription("Labels file, one per line (a path or URI, like --model); without one, labels are"
                    + " class_<index>.");
    public static final ConfigOption<String> MODEL_NAME = key("model-name").stringType().noDefaultValue()
            .withDescription("Name in results; default: file name without .onnx.");
    public static final ConfigOption<String> INPUT_NAME = key("input-name").stringType().noDefaultValue()
            .withDescription("Model input; default: read from the model.");
    public static final ConfigOption<String> OUTPUT_NAME = key("output-name").stringType().noDefaultValue()
            .withDescription("Model output; default: its first output.");
    public static final ConfigOption<TensorLayout> LAYOUT = key("layout").enumType(TensorLayout.class)
            .noDefaultValue().withDescription("NCHW or NHWC; default: inferred from the input shape.");
    public static final ConfigOption<Integer> INPUT_SIZE = key("input-size").intType().noDefaultValue()
            .withDescription("Square input size in pixels; default: from the model's input shape (required when the model's height and width are dynamic).");
    public static final ConfigOption<Integer> RESIZE_SHORTER_SIDE = key("resize-shorter-side").intType()
            .noDefaultValue().withDescription(
                    "Resize the shorter side to this before the center crop (default size*256/224); 0 = stretch.");
    public static final ConfigOption<ChannelOrder> CHANNEL_ORDER = key("channel-order")
            .enumType(ChannelOrder.class).noDefaultValue().withDescription("RGB (default) or BGR.");
    public static final ConfigOption<List<String>> MEAN = key("mean").stringType().asList().noDefaultValue()
            .withDescription("Per-channel mean on the 0..1 scale, e.g. 0.485;0.456;0.406 (ImageNet default).");
    public static final ConfigOption<List<String>> STD = key("std").stringType().asList().noDefaultValue()
            .withDescription("Per-channel std on the 0..1 scale, e.g. 0.229;0.224;0.225 (ImageNet default).");
    public static final ConfigOption<OutputKind> OUTPUT_KIND = key("output-kind").enumType(OutputKind.class)
            .noDefaultValue().withDescription("LOGITS (softmax applied; default) or PROBABILITIES.");
    public static final ConfigOption<Integer> CLASS_OFFSET = key("class-offset").intType().noDefaultValue()
            .withDescription("Output index of label 0 (1 for 1001-class models); default: inferred.");
    public static final ConfigOption<Integer> TOP_K = key("top-k").intType().defaultValue(5)
            .withDescription("Classes kept per frame.");

    public static final ConfigOption<ResizeMode> RESIZE_MODE = key("resize-mode").enumType(ResizeMode.class)
            .noDefaultValue().withDescription("CENTER_CROP, STRETCH, LETTERBOX_TOP_LEFT or LETTERBOX_CENTRED;"
                    + " default: CENTER_CROP for classifiers, the decoder family's letterbox for detectors.");
    public static final ConfigOption<ResizeFilter> RESIZE_FILTER = key("resize-filter").enumType(ResizeFilter.class)
            .noDefaultValue().withDescription("PIL_BILINEAR (antialiased, torchvision-trained models) or"
                    + " OPENCV_LINEAR (cv2 INTER_LINEAR, YOLOX-style); default: by task and decoder family.");
    public static final ConfigOption<PixelRange> PIXEL_RANGE = key("pixel-range").enumType(PixelRange.class)
            .noDefaultValue().withDescription("UNIT (0..1 before mean/std) or RAW (0..255); default: by task and family.");
    public static final ConfigOption<Float> PAD_VALUE = key("pad-value").floatType().noDefaultValue()
            .withDescription("Tensor value of letterbox padding (after normalisation); default: by family (114 for YOLOX).");
    public static final ConfigOption<Integer> MODEL_BATCH_SIZE = key("model-batch-size").intType().noDefaultValue()
            .withDescription("The batch size every run must have, for a model with a symbolic batch dimension that"
                    + " only runs at one size; default: the model's declared batch (0 = any).");

    // ---- Detection (--task detect, detect+classify)
    public static final ConfigOption<DecoderKind> DECODER = key("decoder").enumType(DecoderKind.class)
            .noDefaultValue().withDescription("YOLOX, EFFICIENTDET or BOXES (models exported with NMS);"
                    + " default: recognised from the model's outputs.");
    public static final ConfigOption<List<String>> DETECTOR_OUTPUTS = key("detector-outputs").stringType().asList()
            .noDefaultValue().withDescription("The outputs the decoder reads, in its order, separated by ';'"
                    + " (EfficientDet: class scores;box deltas); default: recognised from the model.");
    public static final ConfigOption<Float> SCORE_THRESHOLD = key("score-threshold").floatType().noDefaultValue()
            .withDescription("Boxes scoring below this are dropped; default 0.3.");
    public static final ConfigOption<Float> NMS_IOU = key("nms-iou").floatType().noDefaultValue()
            .withDescription("Class-aware NMS IoU threshold (1 suppresses nothing); default: 0.45 YOLOX, 0.5"
                    + " EfficientDet, 1 for models exported with NMS.");
    public static final ConfigOption<Integer> MAX_DETECTIONS = key("max-detections").intType().noDefaultValue()
            .withDescription("Most boxes kept per frame, best first; default 100.");
    public static final ConfigOption<BoxFormat> BOX_FORMAT = key("box-format").enumType(BoxFormat.class)
            .noDefaultValue().withDescription("XYXY, YXYX or CXCYWH, for the BOXES decoder; default XYXY.");
    public static final ConfigOption<Boolean> NORMALIZED_BOXES = key("normalized-boxes").booleanType()
            .noDefaultValue().withDescription("The BOXES decoder's values are fractions of the input size.");

    // ---- Secondary classifier (--task detect+classify)
    public static final ConfigOption<String> SECONDARY_MODEL = key("secondary-model").stringType().noDefaultValue()
            .withDescription("ONNX classifier of the detected boxes (required with --task detect+classify).");
    public static final ConfigOption<String> SECONDARY_LABELS = key("secondary-labels").stringType().noDefaultValue()
            .withDescription("Labels file of the secondary classifier; without one, labels are class_<index>.");
    public static final ConfigOption<Integer> SECONDARY_TOP_K = key("secondary-top-k").intType().defaultValue(3)
            .withDescription("Classes kept per classified box.");
    public static final ConfigOption<Float> SECONDARY_MIN_SCORE = key("secondary-min-score").floatType()
            .defaultValue(0.5f).withDescription("Boxes scoring at least this are classified.");
    public static final ConfigOption<Integer> SECONDARY_MAX_BOXES = key("secondary-max-boxes").intType()
            .defaultValue(8).withDescription("Most boxes classified per frame, best first (bounds a crowded"
                    + " frame's cost).");

    // ---- Inference
    public static final ConfigOption<Device> DEVICE = key("device").enumType(Device.class)
            .defaultValue(Device.CPU).withDescription(
                    "CPU or CUDA (GPU index from Flink's 'gpu' external resource when present).");
    public static final ConfigOption<Integer> CUDA_DEVICE = key("cuda-device").intType().defaultValue(0)
            .withDescription("CUDA device index when no 'gpu' external resource is configured.");
    public static final ConfigOption<Boolean> FAIL_IF_CUDA_UNAVAILABLE = key("fail-if-cuda-unavailable")
            .booleanType().defaultValue(false)
            .withDescription("Fail instead of falling back to CPU when CUDA cannot be initialised.");
    public static final ConfigOption<MemorySize> CUDA_MEMORY_LIMIT = key("cuda-memory-limit").memoryType()
            .defaultValue(MemorySize.ZERO).withDescription(
                    "Limit of ONNX Runtime's CUDA memory arena per session (gpu_mem_limit), e.g. 4gb; 0: no limit."
                            + " One session per GPU per model per TaskManager.");
    public static final ConfigOption<CudaSettings.ArenaExtendStrategy> CUDA_ARENA_EXTEND_STRATEGY =
            key("cuda-arena-extend-strategy").enumType(CudaSettings.ArenaExtendStrategy.class)
                    .defaultValue(CudaSettings.DEFAULTS.arenaExtendStrategy()).withDescription(
                            "How the CUDA arena grows (arena_extend_strategy): NEXT_POWER_OF_TWO or"
                                    + " SAME_AS_REQUESTED (tighter, when a memory limit is set).");
    public static final ConfigOption<CudaSettings.CudnnConvAlgoSearch> CUDNN_CONV_ALGO_SEARCH =
            key("cudnn-conv-algo-search").enumType(CudaSettings.CudnnConvAlgoSearch.class)
                    .defaultValue(CudaSettings.DEFAULTS.cudnnConvAlgoSearch()).withDescription(
                            "How cuDNN picks convolution algorithms (cudnn_conv_algo_search): EXHAUSTIVE"
                                    + " (benchmarks once per input shape), HEURISTIC or DEFAULT.");
    public static final ConfigOption<String> INFERENCE_SLOT_SHARING_GROUP = key("inference-slot-sharing-group")
            .stringType().noDefaultValue().withDescription(
                    "Slot-sharing group of the inference operator (e.g. 'inference'): its subtasks then take"
                            + " slots of their own, apart from the source, routing and windows, so GPU slots and"
                            + " CPU slots can be sized separately. Default: one group for the whole job.");
    public static final ConfigOption<Integer> INFERENCE_PARALLELISM = key("inference-parallelism").intType()
            .noDefaultValue().withDescription(
                    "Parallelism of the inference operator alone (e.g. one per GPU); default: the job's.");
    public static final ConfigOption<Integer> INTRA_OP_THREADS = key("intra-op-threads").intType()
            .defaultValue(1).withDescription("ONNX Runtime intra-op threads per session.");
    public static final ConfigOption<Integer> BATCH_SIZE = key("batch-size").intType().defaultValue(2)
            .withDescription("Largest inference batch.");
    public static final ConfigOption<Duration> BATCH_WAIT = key("batch-wait").durationType()
            .defaultValue(Duration.ofMillis(5)).withDescription(
                    "Longest a frame waits for its batch to fill before the batch runs anyway.");
    public static final ConfigOption<Integer> BATCHES_IN_FLIGHT = key("batches-in-flight").intType()
            .defaultValue(2).withDescription("Batches run concurrently per operator instance.");
    public static final ConfigOption<Integer> PREPROCESS_THREADS = key("preprocess-threads").intType()
            .defaultValue(2).withDescription("Decode + preprocess threads per operator instance.");
    public static final ConfigOption<Long> MAX_PIXELS = key("max-pixels").longType()
            .defaultValue(40_000_000L).withDescription(
                    "Frames larger than this (declared or header size) are dead-lettered before decoding.");
    public static final ConfigOption<Double> MAX_ASPECT_RATIO = key("max-aspect-ratio").doubleType()
            .defaultValue(16.0).withDescription(
                    "Frames whose longer side exceeds the shorter this many times are dead-lettered"
                            + " (DECODE_BUDGET_EXCEEDED) before decoding: their resize would need huge intermediates.");
    public static final ConfigOption<Duration> DECODE_TIMEOUT = key("decode-timeout").durationType()
            .defaultValue(Duration.ofSeconds(10)).withDescription(
                    "Longest decode + preprocess of one frame; a slower one is aborted and dead-lettered (DECODE_TIMEOUT).");
    public static final ConfigOption<Long> MAX_BYTES_IN_FLIGHT = key("max-bytes-in-flight").longType()
            .defaultValue(256L << 20).withDescription(
                    "Payload bytes per operator instance in the inference pipeline at once; further frames wait"
                            + " for room (backpressure), as they do for async-capacity.");
    public static final ConfigOption<Integer> INFERENCE_ATTEMPTS = key("inference-attempts").intType()
            .defaultValue(3).withDescription(
                    "Runs of a batch whose inference fails transiently (CUDA/runtime errors, out of device memory),"
                            + " the first included, before its frames are dead-lettered (INFERENCE_FAILED); 1 never retries.");
    public static final ConfigOption<Duration> INFERENCE_RETRY_BACKOFF = key("inference-retry-backoff").durationType()
            .defaultValue(Duration.ofMillis(50)).withDescription(
                    "Wait before the first retry of a failed batch, doubled for each further one (at most 1 s or this).");
    public static final ConfigOption<Integer> DEVICE_FAILURE_THRESHOLD = key("device-failure-threshold").intType()
            .defaultValue(5).withDescription(
                    "Transient inference failures in a row after which the device is taken out of service"
                            + " (CUDA: the model moves to the CPU; logged once, metric devicesOutOfService).");
    public static final ConfigOption<Integer> ASYNC_CAPACITY = key("async-capacity").intType().defaultValue(32)
            .withDescription("Frames in flight per async operator instance.");
    public static final ConfigOption<Duration> ASYNC_TIMEOUT = key("async-timeout").durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("A frame not labelled within this becomes a dead letter (INFERENCE_TIMEOUT).");
    public static final ConfigOption<Boolean> ORDERED = key("ordered").booleanType().defaultValue(false)
            .withDescription("Emit results in input order (true) or as they complete (false).");

    // ---- Windows
    public static final ConfigOption<Duration> WINDOW_SIZE = key("window-size").durationType()
            .defaultValue(Duration.ofSeconds(10)).withDescription("Event-time tumbling window per stream.");
    public static final ConfigOption<Duration> ALLOWED_LATENESS = key("allowed-lateness").durationType()
            .defaultValue(Duration.ZERO).withDescription("How late a frame may be and still update its window.");
    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = key("max-out-of-orderness").durationType()
            .defaultValue(Duration.ofSeconds(2)).withDescription("Watermark lag behind the largest capture time.");
    public static final ConfigOption<Duration> IDLENESS = key("idleness").durationType()
            .defaultValue(Duration.ofSeconds(10)).withDescription(
                    "A frames partition silent this long stops holding back the watermark.");

    // ---- Runtime. Unset, these come from the cluster (config.yaml, flink run -p / -D, the
    // FlinkDeployment): a job that always set them would override what the operator of the cluster chose.
    public static final ConfigOption<Integer> PARALLELISM = key("parallelism").intType().noDefaultValue()
            .withDescription("Parallelism of the job; default: the cluster's (flink run -p, parallelism.default).");
    public static final ConfigOption<Integer> MAX_PARALLELISM = key("max-parallelism").intType().defaultValue(128)
            .withDescription("Most parallel instances the job can ever be rescaled to (its key groups): fixed"
                    + " for the life of its savepoints, so set on purpose; the cluster's pipeline.max-parallelism"
                    + " is used when set and this flag is not.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = key("checkpoint-interval").durationType()
            .noDefaultValue().withDescription("Checkpoint interval; with EXACTLY_ONCE, outputs become visible at"
                    + " each checkpoint. Default: the cluster's execution.checkpointing.interval.");
    public static final ConfigOption<CheckpointingMode> CHECKPOINT_MODE = key("checkpoint-mode")
            .enumType(CheckpointingMode.class).noDefaultValue()
            .withDescription("Checkpointing mode; default: the cluster's execution.checkpointing.mode.");
    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT = key("checkpoint-timeout").durationType()
            .noDefaultValue().withDescription(
                    "A checkpoint not complete within this is discarded; default: execution.checkpointing.timeout.");
    public static final ConfigOption<String> CHECKPOINT_DIRECTORY = key("checkpoint-directory").stringType()
            .noDefaultValue().withDescription("Checkpoints go to this file system URI (durable storage on a"
                    + " cluster); default: the cluster's execution.checkpointing.dir and storage.");
    public static final ConfigOption<Boolean> UNALIGNED_CHECKPOINTS = key("unaligned-checkpoints").booleanType()
            .defaultValue(true).withDescription(
                    "Unaligned checkpoints: under backpressure (a slow model) barriers overtake the queued buffers,"
                            + " so checkpoints, and with them exactly-once commits, keep completing.");
    public static final ConfigOption<String> RESTART_STRATEGY = key("restart-strategy").stringType()
            .noDefaultValue().withDescription("none, fixed-delay, failure-rate or exponential-delay; default:"
                    + " the cluster's restart-strategy.type.");
    public static final ConfigOption<Integer> RESTART_ATTEMPTS = key("restart-attempts").intType().noDefaultValue()
            .withDescription("With --restart-strategy fixed-delay or exponential-delay: attempts before the job fails.");
    public static final ConfigOption<Duration> RESTART_DELAY = key("restart-delay").durationType().noDefaultValue()
            .withDescription("With --restart-strategy fixed-delay or failure-rate: the delay between attempts;"
                    + " with exponential-delay: the first backoff.");
}
