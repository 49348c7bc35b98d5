package io.flinkvision.planner;

/**
 * How the pixel path shares a slot's cores with the model. A slot with {@code threads} intra-op threads
 * owns that many cores; per frame they spend {@code threads * 1000 / fps} core-ms in the model plus the
 * pixel path's mean core-ms, so the slot delivers {@code threads * 1000 / (that sum)} frames/s.
 */
final class SlotCostModel {
    private SlotCostModel() {}

    /**
     * The model-only measurement with its frames/s lowered by the pixel path. The batch p99 stays the
     * model's: decoding happens before a frame joins a batch, so it is not part of the batch's latency.
     */
    static Measurement withPixelPath(Measurement model, double pixelMeanCoreMillis, int threads) {
        if (!(pixelMeanCoreMillis >= 0) || threads < 1) {
            throw new IllegalArgumentException("pixel cost must be >= 0 and threads >= 1, got " + pixelMeanCoreMillis
                    + " and " + threads);
        }
        double modelCoreMillis = threads * 1000.0 / model.framesPerSecond();
        double fps = threads * 1000.0 / (modelCoreMillis + pixelMeanCoreMillis);
        return new Measurement(model.variant(), model.batchSize(), fps, model.batchP99Millis(), model.batches());
    }
}
