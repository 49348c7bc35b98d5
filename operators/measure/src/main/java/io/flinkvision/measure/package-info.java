/**
 * How the capacity planner and the benchmark time the job's parts, in one place: {@link PixelPathTimer}
 * (decode + preprocess of camera frames through the job's own {@code ImageDecoder} and
 * {@code ImagePreprocessor}, CPU time per frame on one thread) and {@link ModelThroughputTimer} (frames/s
 * and per-batch latency through a {@code ModelRunner} with N runs in flight). Latencies are kept in
 * HdrHistogram ({@link Latencies}). Plain Java, no Flink; nothing in the job depends on it.
 */
package io.flinkvision.measure;
