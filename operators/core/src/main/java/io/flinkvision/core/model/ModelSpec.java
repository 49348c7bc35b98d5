package io.flinkvision.core.model;

import io.flinkvision.schemas.ModelIdentity;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a model expects and returns: every contract detail is configuration, and what is not
 * configured is read from the ONNX model's own signature and metadata in {@link Builder#build()}.
 * A classifier ({@link ModelTask#CLASSIFICATION}) has one score output read as top-k; a detector
 * ({@link ModelTask#DETECTION}) has the outputs and decoder its {@link DetectionSpec} names.
 *
 * <p>Immutable and {@link Serializable}, because Flink ships it to the TaskManagers. It therefore
 * keeps plain fields: {@link PreprocessSpec} (a record) and {@link ModelIdentity} (Avro) are not
 * Java-serializable and are rebuilt from them on demand.
 */
public final class ModelSpec implements Serializable {
    private static final long serialVersionUID = 3L;

    private final String modelPath;
    private final String name;
    private final String sha256;
    private final String inputName;
    private final String outputName;
    private final long[] inputShape;
    private final int fixedBatchSize;
    private final int width;
    private final int height;
    private final int resizeShorterSide;
    private final TensorLayout layout;
    private final ChannelOrder channelOrder;
    private final InputElementType elementType;
    private final float[] mean;
    private final float[] std;
    private final ResizeMode resizeMode;
    private final ResizeFilter resizeFilter;
    private final PixelRange pixelRange;
    private final float padValue;
    private final ModelTask task;
    private final OutputKind outputKind;
    private final int outputLength;
    private final int classOffset;
    private final List<String> labels;
    private final int topK;
    /** Null for classifiers. */
    private final DetectionSpec detection;

    /** Rebuilt after deserialisation; a race only builds an equal record twice. */
    private transient volatile PreprocessSpec preprocess;

    ModelSpec(String modelPath, String name, String sha256, String inputName, long[] inputShape, int fixedBatchSize,
            PreprocessSpec preprocess, ModelTask task, String outputName, OutputKind outputKind, int outputLength,
            int classOffset, List<String> labels, int topK, DetectionSpec detection) {
        this.modelPath = modelPath;
        this.name = name;
        this.sha256 = sha256;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputShape = inputShape.clone();
        this.fixedBatchSize = fixedBatchSize;
        this.width = preprocess.width();
        this.height = preprocess.height();
        this.resizeShorterSide = preprocess.resizeShorterSide();
        this.layout = preprocess.layout();
        this.channelOrder = preprocess.channelOrder();
        this.elementType = preprocess.elementType();
        this.mean = preprocess.mean();
        this.std = preprocess.std();
        this.resizeMode = preprocess.resizeMode();
        this.resizeFilter = preprocess.resizeFilter();
        this.pixelRange = preprocess.pixelRange();
        this.padValue = preprocess.padValue();
        this.task = task;
        this.outputKind = outputKind;
        this.outputLength = outputLength;
        this.classOffset = classOffset;
        this.labels = List.copyOf(labels);
        this.topK = topK;
        this.detection = detection;
        this.preprocess = preprocess;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Absolute path of the ONNX file. */
    public String modelPath() {
        return modelPath;
    }

    /** Name in results: configured, else the file name without {@code .onnx}. */
    public String name() {
        return name;
    }

    /** SHA-256 of the ONNX file's bytes, lower-case hex. */
    public String sha256() {
        return sha256;
    }

    /** A new Avro record each call (Avro records are mutable). */
    public ModelIdentity identity() {
        return new ModelIdentity(name, sha256);
    }

    public String inputName() {
        return inputName;
    }

    /** The (first) output the task reads: the score row of a classifier, a detector's first decoder output. */
    public String outputName() {
        return outputName;
    }

    /** Every output the task reads, in the order its decoder takes them. */
    public List<String> outputNames() {
        return detection != null ? detection.outputs() : List.of(outputName);
    }

    public ModelTask task() {
        return task;
    }

    /**
     * The detector's output contract.
     *
     * @throws IllegalStateException for a classifier
     */
    public DetectionSpec detection() {
        if (detection == null) {
            throw new IllegalStateException("model " + name + " is a classifier, not a detector");
        }
        return detection;
    }

    /** The model input's declared shape, -1 for dynamic dimensions (e.g. {@code [-1,3,224,224]}). */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * 0 when the model takes any batch size, else the batch size every run must have: the one the model
     * was exported with, or the one configured for a model whose batch dimension is symbolic but that
     * only runs at one size (exports with NMS often do). The runner feeds it chunks of this size.
     */
    public int fixedBatchSize() {
        return fixedBatchSize;
    }

    public PreprocessSpec preprocess() {
        PreprocessSpec p = preprocess;
        if (p == null) {
            p = new PreprocessSpec(width, height, resizeShorterSide, layout, channelOrder, elementType, mean, std,
                    resizeMode, resizeFilter, pixelRange, padValue);
            preprocess = p;
        }
        return p;
    }

    public OutputKind outputKind() {
        return outputKind;
    }

    /**
     * Length of one output row of {@link #outputName()} (e.g. 1000, or 1001 with a background class);
     * for a detector, the values per sample of its first output, 0 when that shape is dynamic.
     */
    public int outputLength() {
        return outputLength;
    }

    /** Output index of label 0: 1 for 1001-class models whose index 0 is background, else 0. */
    public int classOffset() {
        return classOffset;
    }

    /**
     * One label per class ({@code outputLength() - classOffset()} of them for a classifier, the
     * detector's class count for a detector): from the labels file, or {@code class_<index>}
     * placeholders when none was given (empty for a detector that does not say how many classes it has).
     */
    public List<String> labels() {
        return labels;
    }

    /** Number of classes reported per frame by a classifier. */
    public int topK() {
        return topK;
    }

    @Override
    public String toString() {
        return "ModelSpec{" + name + " sha256=" + sha256.substring(0, Math.min(12, sha256.length()))
                + " path=" + modelPath + " " + task + " input=" + inputName + TensorSignature.formatShape(inputShape)
                + (fixedBatchSize > 0 ? " batch=" + fixedBatchSize : "")
                + " " + elementType + " " + layout + " " + width + "x" + height + " " + resizeMode
                + (resizeMode == ResizeMode.CENTER_CROP ? "(" + resizeShorterSide + ")" : "") + " " + resizeFilter
                + (resizeMode.isLetterbox() ? " pad=" + padValue : "") + " " + channelOrder + " " + pixelRange
                + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std)
                + (detection == null
                        ? " output=" + outputName + "[" + outputLength + "] " + outputKind + " offset=" + classOffset
                                + " topK=" + topK
                        : " " + detection)
                + " labels=" + labels.size() + "}";
    }

    /**
     * Validating builder; {@link #build()} reads unset contract details from the ONNX file. Setters
     * taking objects accept {@code null} for "not configured", so optional settings pass through as is.
     */
    public static final class Builder {
        Path modelPath;
        Path labelsPath;
        String name;
        String inputName;
        String outputName;
        TensorLayout layout;
        Integer width;
        Integer height;
        Integer resizeShorterSide;
        ChannelOrder channelOrder;
        InputElementType elementType;
        float[] mean;
        float[] std;
        OutputKind outputKind;
        Integer classOffset;
        Integer topK;
        Integer fixedBatchSize;
        ResizeMode resizeMode;
        ResizeFilter resizeFilter;
        PixelRange pixelRange;
        Float padValue;
        ModelTask task;
        DecoderKind decoder;
        List<String> detectorOutputs;
        Float scoreThreshold;
        Float nmsIouThreshold;
        Integer maxDetections;
        int[] strides;
        BoxFormat boxFormat;
        Boolean normalizedBoxes;

        Builder() {}

        public Builder modelPath(Path path) {
            this.modelPath = path;
            return this;
        }

        public Builder labelsPath(Path path) {
            this.labelsPath = path;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder inputName(String name) {
            this.inputName = name;
            return this;
        }

        public Builder outputName(String name) {
            this.outputName = name;
            return this;
        }

        public Builder layout(TensorLayout layout) {
            this.layout = layout;
            return this;
        }

        public Builder inputSize(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder resizeShorterSide(int pixels) {
            this.resizeShorterSide = pixels;
            return this;
        }

        public Builder channelOrder(ChannelOrder order) {
            this.channelOrder = order;
            return this;
        }

        public Builder elementType(InputElementType type) {
            this.elementType = type;
            return this;
        }

        public Builder mean(float[] mean) {
            this.mean = mean == null ? null : mean.clone();
            return this;
        }

        public Builder std(float[] std) {
            this.std = std == null ? null : std.clone();
            return this;
        }

        public Builder outputKind(OutputKind kind) {
            this.outputKind = kind;
            return this;
        }

        public Builder classOffset(int offset) {
            this.classOffset = offset;
            return this;
        }

        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        /** The batch size every run must have, for a model whose batch dimension is symbolic (--model-batch-size). */
        public Builder fixedBatchSize(Integer size) {
            this.fixedBatchSize = size;
            return this;
        }

        public Builder resizeMode(ResizeMode mode) {
            this.resizeMode = mode;
            return this;
        }

        public Builder resizeFilter(ResizeFilter filter) {
            this.resizeFilter = filter;
            return this;
        }

        public Builder pixelRange(PixelRange range) {
            this.pixelRange = range;
            return this;
        }

        /** The tensor value of padded elements, after normalisation (see {@link PreprocessSpec}). */
        public Builder padValue(Float value) {
            this.padValue = value;
            return this;
        }

        /** Default: DETECTION when a decoder is configured or the outputs look like a detector's, else CLASSIFICATION. */
        public Builder task(ModelTask task) {
            this.task = task;
            return this;
        }

        /** Sets the task to DETECTION unless it was set otherwise. */
        public Builder decoder(DecoderKind decoder) {
            this.decoder = decoder;
            return this;
        }

        /** The outputs the decoder reads, in its order (see {@link DetectionSpec#outputs()}). */
        public Builder detectorOutputs(List<String> outputs) {
            this.detectorOutputs = outputs == null ? null : List.copyOf(outputs);
            return this;
        }

        public Builder scoreThreshold(Float threshold) {
            this.scoreThreshold = threshold;
            return this;
        }

        public Builder nmsIouThreshold(Float threshold) {
            this.nmsIouThreshold = threshold;
            return this;
        }

        public Builder maxDetections(Integer max) {
            this.maxDetections = max;
            return this;
        }

        /** YOLOX grid strides, in output order. */
        public Builder strides(int[] strides) {
            this.strides = strides == null ? null : strides.clone();
            return this;
        }

        /** Box value order of a boxes decoder. */
        public Builder boxFormat(BoxFormat format) {
            this.boxFormat = format;
            return this;
        }

        /** Whether a boxes decoder's values are fractions of the input size rather than input pixels. */
        public Builder normalizedBoxes(Boolean normalized) {
            this.normalizedBoxes = normalized;
            return this;
        }

        /**
         * Opens the model briefly to read its signature, hashes it, reads the labels, and fills and
         * checks the contract.
         *
         * @throws IllegalArgumentException with a message that says what to fix
         */
        public ModelSpec build() {
            if (modelPath == null) {
                throw new IllegalArgumentException(
                        "no model file configured: set the model path (--model PATH or $FLINKVISION_MODEL)");
            }
            Path model = modelPath.toAbsolutePath().normalize();
            if (!Files.isRegularFile(model)) {
                throw new IllegalArgumentException("model file not found: " + model
                        + " (set --model PATH or $FLINKVISION_MODEL to an existing .onnx file)");
            }
            List<String> fileLabels = labelsPath == null ? null : LabelsFile.read(labelsPath);
            ModelSignature signature = OnnxModelInspector.inspect(model);
            return ModelSpecResolver.resolve(this, model, signature, fileLabels, FileDigest.sha256Hex(model));
        }
    }
}
