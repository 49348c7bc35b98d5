package io.flinkvision.core.model;

import io.flinkvision.schemas.ModelIdentity;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a classification model expects and returns: every contract detail is configuration, and what
 * is not configured is read from the ONNX model's own metadata in {@link Builder#build()}.
 *
 * <p>Immutable and {@link Serializable}, because Flink ships it to the TaskManagers. It therefore
 * keeps plain fields: {@link PreprocessSpec} (a record) and {@link ModelIdentity} (Avro) are not
 * Java-serializable and are rebuilt from them on demand.
 */
public final class ModelSpec implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String modelPath;
    private final String name;
    private final String sha256;
    private final String inputName;
    private final String outputName;
    private final long[] inputShape;
    private final int width;
    private final int height;
    private final int resizeShorterSide;
    private final TensorLayout layout;
    private final ChannelOrder channelOrder;
    private final InputElementType elementType;
    private final float[] mean;
    private final float[] std;
    private final OutputKind outputKind;
    private final int outputLength;
    private final int classOffset;
    private final List<String> labels;
    private final int topK;

    /** Rebuilt after deserialisation; a race only builds an equal record twice. */
    private transient volatile PreprocessSpec preprocess;

    ModelSpec(String modelPath, String name, String sha256, String inputName, String outputName,
            long[] inputShape, PreprocessSpec preprocess, OutputKind outputKind, int outputLength,
            int classOffset, List<String> labels, int topK) {
        this.modelPath = modelPath;
        this.name = name;
        this.sha256 = sha256;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputShape = inputShape.clone();
        this.width = preprocess.width();
        this.height = preprocess.height();
        this.resizeShorterSide = preprocess.resizeShorterSide();
        this.layout = preprocess.layout();
        this.channelOrder = preprocess.channelOrder();
        this.elementType = preprocess.elementType();
        this.mean = preprocess.mean();
        this.std = preprocess.std();
        this.outputKind = outputKind;
        this.outputLength = outputLength;
        this.classOffset = classOffset;
        this.labels = List.copyOf(labels);
        this.topK = topK;
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

    public String outputName() {
        return outputName;
    }

    /** The model input's declared shape, -1 for dynamic dimensions (e.g. {@code [-1,3,224,224]}). */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** 0 when the batch dimension is dynamic, else the batch size the model was exported with. */
    public int fixedBatchSize() {
        return inputShape[0] > 0 ? (int) inputShape[0] : 0;
    }

    public PreprocessSpec preprocess() {
        PreprocessSpec p = preprocess;
        if (p == null) {
            p = new PreprocessSpec(width, height, resizeShorterSide, layout, channelOrder, elementType, mean, std);
            preprocess = p;
        }
        return p;
    }

    public OutputKind outputKind() {
        return outputKind;
    }

    /** Length of one output row (e.g. 1000, or 1001 with a background class). */
    public int outputLength() {
        return outputLength;
    }

    /** Output index of label 0: 1 for 1001-class models whose index 0 is background, else 0. */
    public int classOffset() {
        return classOffset;
    }

    /**
     * One label per class ({@code outputLength() - classOffset()} of them): from the labels file, or
     * {@code class_<index>} placeholders when none was given.
     */
    public List<String> labels() {
        return labels;
    }

    /** Number of classes reported per frame. */
    public int topK() {
        return topK;
    }

    @Override
    public String toString() {
        return "ModelSpec{" + name + " sha256=" + sha256.substring(0, Math.min(12, sha256.length()))
                + " path=" + modelPath + " input=" + inputName + TensorSignature.formatShape(inputShape)
                + " " + elementType + " " + layout + " " + width + "x" + height + " resize=" + resizeShorterSide
                + " " + channelOrder + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std)
                + " output=" + outputName + "[" + outputLength + "] " + outputKind + " offset=" + classOffset
                + " labels=" + labels.size() + " topK=" + topK + "}";
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
