package io.flinkvision.measure;

/**
 * What the pixel path cost per frame, in CPU time of the one thread that ran it: decoding, then
 * preprocessing to the model's input, and the two together (timed as one, not summed from the parts).
 * The mean is what bounds throughput (a slot pays every frame's cost); the percentiles show the spread.
 *
 * @param decode CPU time of {@code ImageDecoder.decode} per frame
 * @param preprocess CPU time of {@code ImagePreprocessor.preprocessInto} per frame
 * @param total CPU time of both per frame
 */
public record PixelPathCost(Latencies decode, Latencies preprocess, Latencies total) {

    /** Mean core-milliseconds per frame, decode and preprocess together. */
    public double meanCoreMillis() {
        return total.meanMillis();
    }

    public long frames() {
        return total.count();
    }
}
