package io.flinkvision.tests;

import io.flinkvision.core.classification.TopKClassifier;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.core.image.ImagePreprocessor;
import io.flinkvision.core.runtime.OnnxModelRunner;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.FrameEncoding;
import java.util.List;

/**
 * The expected answer for an ITCase: the same model run directly on one image, outside Kafka and
 * Flink, with the project's decoder, preprocessor, runner and top-k.
 */
final class DirectClassifier implements AutoCloseable {
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final TopKClassifier classifier;
    private final OnnxModelRunner runner;

    DirectClassifier(ModelSpec spec, long maxPixels) throws Exception {
        this.decoder = new ImageDecoder(maxPixels);
        this.preprocessor = new ImagePreprocessor(spec.preprocess());
        this.classifier = new TopKClassifier(spec);
        this.runner = new OnnxModelRunner(spec, RunnerOptions.cpu(1));
    }

    List<Classification> topK(FrameEncoding encoding, byte[] image) throws Exception {
        float[] sample = preprocessor.preprocess(decoder.decode(encoding, 0, 0, image));
        return classifier.classify(runner.run(new float[][] {sample})[0]);
    }

    @Override
    public void close() {
        runner.close();
    }
}
