package io.flinkvision.operators.model;

import io.flinkvision.schemas.ModelIdentity;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * What a classification model expects and returns: every contract detail is configuration, and what
 * is not configured is read from the ONNX model's own metadata in {@link Builder#build()}.
 *
 * <p>STUB: the inference helper replaces this body (keeping the public API).
 */
public final class ModelSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private ModelSpec() {}

    public static Builder builder() {
        return new Builder();
    }

    public String modelPath() { throw new UnsupportedOperationException(); }
    public ModelIdentity identity() { throw new UnsupportedOperationException(); }
    public String inputName() { throw new UnsupportedOperationException(); }
    public String outputName() { throw new UnsupportedOperationException(); }
    public PreprocessSpec preprocess() { throw new UnsupportedOperationException(); }
    public OutputKind outputKind() { throw new UnsupportedOperationException(); }
    /** Length of one output row (e.g. 1000, or 1001 with a background class). */
    public int outputLength() { throw new UnsupportedOperationException(); }
    /** Output index of label 0: 1 for 1001-class models whose index 0 is background, else 0. */
    public int classOffset() { throw new UnsupportedOperationException(); }
    public List<String> labels() { throw new UnsupportedOperationException(); }
    public int topK() { throw new UnsupportedOperationException(); }

    /** Validating builder; {@link #build()} reads unset contract details from the ONNX file. */
    public static final class Builder {
        public Builder modelPath(Path path) { return this; }
        public Builder labelsPath(Path path) { return this; }
        public Builder name(String name) { return this; }
        public Builder inputName(String name) { return this; }
        public Builder outputName(String name) { return this; }
        public Builder layout(TensorLayout layout) { return this; }
        public Builder inputSize(int width, int height) { return this; }
        public Builder resizeShorterSide(int pixels) { return this; }
        public Builder channelOrder(ChannelOrder order) { return this; }
        public Builder elementType(InputElementType type) { return this; }
        public Builder mean(float[] mean) { return this; }
        public Builder std(float[] std) { return this; }
        public Builder outputKind(OutputKind kind) { return this; }
        public Builder classOffset(int offset) { return this; }
        public Builder topK(int k) { return this; }
        public ModelSpec build() { throw new UnsupportedOperationException(); }
    }
}
