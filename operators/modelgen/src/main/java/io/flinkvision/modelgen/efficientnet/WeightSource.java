package io.flinkvision.modelgen.efficientnet;

/** Supplies the tensors of an EfficientNet architecture: drawn from a seed, or imported from an ONNX file. */
public interface WeightSource {

    /** All tensors {@code architecture} needs (see {@link EfficientNetWeights#expectedShapes}). */
    EfficientNetWeights weightsFor(EfficientNetArchitecture architecture);

    /** One line saying where the weights come from (written into the model's doc string). */
    String describe();
}
