package io.flinkvision.modelgen.efficientdet;

/** Supplies the tensors of an EfficientDet architecture. */
public interface EfficientDetWeightSource {

    /** All tensors {@code architecture} needs (see {@link EfficientDetArchitecture#expectedShapes()}). */
    EfficientDetWeights weightsFor(EfficientDetArchitecture architecture);

    /** One line saying where the weights come from (written into the model's doc string). */
    String describe();
}
