/**
 * Capacity planner: measures seeded EfficientNet or EfficientDet variants (or a --model file) through {@code OnnxModelRunner}, caches the
 * measurements per hardware fingerprint, and recommends the most accurate variant that meets a
 * throughput target within a latency budget. Plain Java, no Flink.
 */
package io.flinkvision.planner;
