/**
 * EfficientNet-B0..B7 written as ONNX from Java, without Python or network access: an offline
 * stand-in model and a source of exact architecture figures.
 *
 * <p>Design, in dependency order (no Flink imports; the ONNX encoding lives in
 * {@link io.flinkvision.modelgen.onnx}):
 * <ul>
 *   <li>{@link io.flinkvision.modelgen.efficientnet.EfficientNetVariant}: compound-scaling coefficients
 *       (width, depth, resolution, dropout, BatchNorm epsilon) and the paper's ImageNet top-1.</li>
 *   <li>{@link io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture}: the B0 table scaled exactly
 *       as torchvision 0.14 does ({@code _make_divisible(c * width, 8)}, {@code ceil(repeats * depth)},
 *       SE squeeze = max(1, block input / 4), head = 4 x last stage width), layer names equal to
 *       torchvision module paths, and parameter / multiply-add counts (B0: 5,288,548 parameters,
 *       0.386 G multiply-adds at 224 px).</li>
 *   <li>{@link io.flinkvision.modelgen.efficientnet.WeightSource}:
 *       {@link io.flinkvision.modelgen.efficientnet.SeededWeights} (deterministic random weights, made
 *       well-conditioned by {@link io.flinkvision.modelgen.efficientnet.ProbeCalibration}) or
 *       {@link io.flinkvision.modelgen.efficientnet.ImportedWeights} (from another ONNX file, including a
 *       torchvision export whose BatchNorm was folded into its convolutions), both yielding
 *       {@link io.flinkvision.modelgen.efficientnet.EfficientNetWeights} under torchvision names.</li>
 *   <li>{@link io.flinkvision.modelgen.efficientnet.EfficientNetOnnxGenerator}: architecture + weights to
 *       an IR 8 / opset 13 model with the shared model's contract ({@code input} [N,3,R,R] to
 *       {@code logits} [N,1000]); {@link io.flinkvision.modelgen.efficientnet.GenerateEfficientNet} is
 *       its command line.</li>
 *   <li>{@link io.flinkvision.modelgen.efficientnet.ReferenceForward}: a slow plain-Java forward pass
 *       used by the calibration and, in tests, as a check independent of ONNX Runtime.</li>
 * </ul>
 * Unfolded weights produce Conv + BatchNormalization nodes; folded (imported) weights produce Conv
 * with bias, like the torchvision export. Dropout and stochastic depth are training-only and absent.
 */
package io.flinkvision.modelgen.efficientnet;
