package io.flinkvision.measure;

/**
 * What a model delivered at one batch size with a number of runs in flight.
 *
 * @param batchSize rows per batch
 * @param runsInFlight batches run concurrently on the one runner (one calling thread each)
 * @param batches batches timed, all threads together
 * @param elapsedNanos wall time from the first timed batch starting to the last one ending
 * @param batchLatency wall time of each {@code run} call, submit to result
 */
public record ModelThroughput(int batchSize, int runsInFlight, long batches, long elapsedNanos,
                              Latencies batchLatency) {

    public long frames() {
        return batches * batchSize;
    }

    /** Frames (not batches) per second over the timed span. */
    public double framesPerSecond() {
        return elapsedNanos <= 0 ? 0 : frames() / (elapsedNanos / 1e9);
    }
}
