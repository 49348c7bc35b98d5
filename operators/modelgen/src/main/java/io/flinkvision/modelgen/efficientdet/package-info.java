/**
 * EfficientDet-D0..D7 (Tan, Pang and Le, CVPR 2020) written as ONNX from Java, by the same means as
 * the EfficientNet classifier it is built on; layers and defaults as Google's reference implementation
 * ({@code automl/efficientdet}) has them. Seeded weights only: no pretrained EfficientDet reaches the
 * build machines, so classes and boxes mean nothing.
 *
 * <ul>
 *   <li>{@link io.flinkvision.modelgen.efficientdet.EfficientDetVariant}: the published scaling table
 *       (backbone, input size, BiFPN width and depth, head depth, anchor scale, fusion).</li>
 *   <li>{@link io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture}: the layer list (EfficientNet
 *       backbone tapped at P3-P5, P6/P7 from P5, BiFPN cells, shared class and box nets), parameter and
 *       multiply-add counts without weights, and the anchors.</li>
 *   <li>{@link io.flinkvision.modelgen.efficientdet.SeededEfficientDetWeights}: seeded weights conditioned
 *       by a probe pass of {@link io.flinkvision.modelgen.efficientdet.EfficientDetReferenceForward}, the
 *       plain-Java forward pass that tests also check the ONNX graph against.</li>
 *   <li>{@link io.flinkvision.modelgen.efficientdet.EfficientDetOnnxGenerator} (IR 8, opset 13, through the
 *       shared {@link io.flinkvision.modelgen.onnx.OnnxModelWriter}) and its command line
 *       {@link io.flinkvision.modelgen.efficientdet.GenerateEfficientDet}
 *       ({@code operators/modelgen/bin/generate-efficientdet}).</li>
 * </ul>
 *
 * <h2>Output contract (what a detection decoder needs)</h2>
 * <ul>
 *   <li><b>Input</b> {@code input}: float32 {@code [N, 3, R, R]}, NCHW, RGB; R = the variant's size
 *       (512, 640, 768, 896, 1024, 1280, 1280, 1536 for D0-D7; any multiple of 128 when generated with
 *       another size). Preprocessing as the reference: pixels to [0, 1], minus ImageNet mean
 *       (0.485, 0.456, 0.406), divided by std (0.229, 0.224, 0.225); resize keeping the aspect ratio by
 *       s = min(R / height, R / width) (bilinear), placed at the top-left and padded to R x R with 0
 *       (after normalisation). Boxes map back to the frame by dividing by s.</li>
 *   <li><b>Outputs</b> {@code class_logits}: float32 {@code [N, A, C]}, raw logits; scores are
 *       sigmoid(logit) per class (focal-loss training, no softmax, no background column); C = 90 by
 *       default, class index c is COCO category id c + 1. {@code box_deltas}: float32 {@code [N, A, 4]}.
 *       A = 9 x sum over levels 3..7 of (R / 2^level)^2 (49,104 at 512).</li>
 *   <li><b>Anchor order</b> (the same for both outputs): level P3, P4, ..., P7 (strides 8, 16, 32, 64,
 *       128); within a level row-major over the (R / stride)^2 locations (y, then x); within a location
 *       the 9 anchors scale-octave major, aspect-ratio minor: index = octave * 3 + ratio, octaves 2^0,
 *       2^(1/3), 2^(2/3), ratios (w, h) multipliers (1.0, 1.0), (1.4, 0.7), (0.7, 1.4).</li>
 *   <li><b>Anchors</b>: at location (y, x) of a level with stride s, centre ((y + 0.5) s, (x + 0.5) s);
 *       size base = anchor_scale * s * 2^(octave / 3), width base * w, height base * h; anchor_scale 4
 *       (5 for D7). {@link io.flinkvision.modelgen.efficientdet.EfficientDetArchitecture#anchorBoxes()}
 *       lists them as (ymin, xmin, ymax, xmax) in input pixels.</li>
 *   <li><b>Box decoding</b> (the reference's {@code decode_box_outputs}): deltas are (ty, tx, th, tw);
 *       with anchor centre (yc_a, xc_a) and size (h_a, w_a): yc = ty h_a + yc_a, xc = tx w_a + xc_a,
 *       h = exp(th) h_a, w = exp(tw) w_a; box (yc - h/2, xc - w/2, yc + h/2, xc + w/2) in input pixels,
 *       clipped to [0, R], then divided by s. The reference then keeps the top 5,000 (anchor, class)
 *       pairs by score and suppresses overlaps per class (its default {@code nms_configs}: Gaussian
 *       soft-NMS), keeping up to 100 detections per image.</li>
 *   <li>The model's {@code metadata_props} carry these parameters ({@code flinkvision.anchor_scale},
 *       {@code flinkvision.aspect_ratios}, {@code flinkvision.min_level}, {@code flinkvision.num_classes},
 *       {@code flinkvision.box_encoding}, ...), readable through ONNX Runtime's custom metadata.</li>
 * </ul>
 *
 * <p>Where this differs from the reference, and why it does not matter for seeded weights: the backbone
 * pads its stride-2 convolutions symmetrically as torchvision does (TensorFlow's "SAME" pads the odd
 * pixel at the end; output sizes are the same) and keeps torchvision's BatchNorm epsilon (1e-5 for
 * B0-B4); importing TensorFlow-trained weights would need both changed, and kernels transposed.
 */
package io.flinkvision.modelgen.efficientdet;
