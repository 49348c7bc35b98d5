/**
 * ONNX files from Java: the message classes are generated at build time from
 * {@code src/main/proto/onnx/onnx.proto} (the ONNX specification's schema, the messages this project
 * needs, with the spec's names and field numbers) into {@link io.flinkvision.modelgen.onnx.proto.Onnx}.
 * <ul>
 *   <li>{@link io.flinkvision.modelgen.onnx.OnnxModelWriter}: the one ONNX writer (graph, nodes,
 *       attributes, float32 and int64 initializers, typed inputs and outputs, atomic file write), shared
 *       by every generated model family and by the tests' tiny models;</li>
 *   <li>{@link io.flinkvision.modelgen.onnx.OnnxWeightReader} decodes a model into an
 *       {@link io.flinkvision.modelgen.onnx.OnnxModelInfo} (nodes, inputs, outputs, float32
 *       initializers as {@link io.flinkvision.modelgen.onnx.FloatTensor}s), e.g. to import weights.</li>
 * </ul>
 */
package io.flinkvision.modelgen.onnx;
