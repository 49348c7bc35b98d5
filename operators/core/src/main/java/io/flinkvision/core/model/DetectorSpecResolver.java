package io.flinkvision.core.model;

import io.flinkvision.core.model.DecoderParameters.AnchorGrid;
import io.flinkvision.core.model.DecoderParameters.BoxOutputs;
import io.flinkvision.core.model.DecoderParameters.YoloxGrid;
import io.flinkvision.core.model.ModelSpecResolver.ResolvedInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A detector's half of {@link ModelSpecResolver}: which decoder (configured, else told by the model's
 * metadata and output shapes), its outputs and parameters, the number of classes, and the
 * preprocessing and filtering defaults of the decoder's family ({@link DetectorFamily}). Pure, like
 * its caller.
 */
final class DetectorSpecResolver {
    /** Metadata keys the project's EfficientDet generator writes (see modelgen's efficientdet package). */
    static final String FAMILY_KEY = "flinkvision.model_family";
    static final String MIN_LEVEL_KEY = "flinkvision.min_level";
    static final String MAX_LEVEL_KEY = "flinkvision.max_level";
    static final String NUM_SCALES_KEY = "flinkvision.num_scales";
    static final String ASPECT_RATIOS_KEY = "flinkvision.aspect_ratios";
    static final String ANCHOR_SCALE_KEY = "flinkvision.anchor_scale";
    static final String NUM_CLASSES_KEY = "flinkvision.num_classes";

    private DetectorSpecResolver() {}

    /** Whether the outputs can only be a detector's: used when neither task nor decoder is configured. */
    static boolean looksLikeDetector(ModelSignature signature, int[] size) {
        return inferDecoder(signature, size, null).isPresent();
    }

    static ModelSpec resolve(ModelSpec.Builder config, ResolvedInput in, ModelSignature signature,
            List<String> fileLabels, String where) {
        if (config.classOffset != null || config.outputKind != null) {
            throw new IllegalArgumentException((config.classOffset != null ? "--class-offset" : "--output-kind")
                    + " applies to classifiers, but " + where + " is configured as a detector; drop it");
        }
        DecoderKind decoder = config.decoder != null ? config.decoder
                : inferDecoder(signature, in.size(), config.strides).orElseThrow(() -> new IllegalArgumentException(
                        where + " has outputs " + describe(signature.outputs()) + ", which match none of the"
                                + " detection decoders' layouts; set --decoder yolox|efficientdet|boxes"
                                + " (and --detector-outputs) or use it as a classifier"));
        List<String> configuredOutputs = config.detectorOutputs != null ? config.detectorOutputs
                : config.outputName != null ? List.of(config.outputName) : null;
        int width = in.size()[0];
        int height = in.size()[1];
        Decoded decoded = switch (decoder) {
            case YOLOX -> yolox(config, configuredOutputs, signature, width, height, where);
            case EFFICIENTDET -> efficientDet(configuredOutputs, signature, width, height, where);
            case BOXES -> boxes(config, configuredOutputs, signature, where);
        };
        DetectorFamily family = DetectorFamily.of(decoder);
        DetectionSpec detection = new DetectionSpec(decoder, decoded.parameters(), decoded.outputs(), decoded.classes(),
                config.scoreThreshold != null ? config.scoreThreshold : family.scoreThreshold,
                config.nmsIouThreshold != null ? config.nmsIouThreshold : family.nmsIouThreshold,
                config.maxDetections != null ? config.maxDetections : family.maxDetections);

        ResizeMode mode = config.resizeMode != null ? config.resizeMode : family.resizeMode;
        PixelRange range = config.pixelRange != null ? config.pixelRange : family.pixelRange;
        // A changed pixel range makes the family's mean/std meaningless: fall back to the identity.
        boolean familyRange = range == family.pixelRange;
        float pad = config.padValue != null ? config.padValue
                : in.elementType() == InputElementType.UINT8 ? family.padPixel : family.padValue;
        PreprocessSpec preprocess = new PreprocessSpec(width, height,
                ModelSpecResolver.resizeShorterSide(config, mode, in.size()), in.layout(),
                config.channelOrder != null ? config.channelOrder : family.channelOrder, in.elementType(),
                config.mean != null ? config.mean : familyRange ? family.mean : ModelSpecResolver.ZEROS,
                config.std != null ? config.std : familyRange ? family.std : ModelSpecResolver.ONES, mode,
                config.resizeFilter != null ? config.resizeFilter : family.resizeFilter, range, pad);

        List<String> labels = labels(fileLabels, decoded.classes(), where);
        TensorSignature first = signature.output(decoded.outputs().get(0)).orElseThrow();
        return new ModelSpec(in.model().toString(), in.name(), in.sha256(), in.input().name(), in.input().shape(),
                in.fixedBatch(), preprocess, ModelTask.DETECTION, first.name(), OutputKind.LOGITS,
                perSampleLength(first), 0, labels, ModelSpecResolver.topK(config), detection);
    }

    private record Decoded(DecoderParameters parameters, List<String> outputs, int classes) {}

    // ---- which decoder -------------------------------------------------------------------------

    private static Optional<DecoderKind> inferDecoder(ModelSignature signature, int[] size, int[] strides) {
        if ("efficientdet".equalsIgnoreCase(signature.metadata().getOrDefault(FAMILY_KEY, ""))) {
            return Optional.of(DecoderKind.EFFICIENTDET);
        }
        List<TensorSignature> outputs = signature.outputs();
        List<TensorSignature> rank3 = outputs.stream().filter(o -> o.rank() == 3).toList();
        if (rank3.size() == 2 && rank3.get(0).dim(1) == rank3.get(1).dim(1) && rank3.get(0).dim(1) > 0
                && (rank3.get(0).dim(2) == 4) != (rank3.get(1).dim(2) == 4)
                && outputs.stream().noneMatch(o -> o.rank() == 2)) {
            return Optional.of(DecoderKind.EFFICIENTDET);
        }
        YoloxGrid grid = new YoloxGrid(strides != null ? strides : YoloxGrid.DEFAULT_STRIDES);
        if (outputs.size() == 1 && rank3.size() == 1 && rank3.get(0).dim(2) > 5
                && divides(grid.strides(), size[0], size[1])
                && rank3.get(0).dim(1) == grid.cells(size[0], size[1])) {
            return Optional.of(DecoderKind.YOLOX);
        }
        boolean boxes = rank3.stream().anyMatch(o -> o.dim(2) == 4) && outputs.stream().anyMatch(o -> o.rank() == 2);
        boolean combined = outputs.size() == 1 && rank3.size() == 1 && rank3.get(0).dim(2) >= 6
                && rank3.get(0).dim(2) <= 7;
        return boxes || combined ? Optional.of(DecoderKind.BOXES) : Optional.empty();
    }

    // ---- YOLOX ---------------------------------------------------------------------------------

    private static Decoded yolox(ModelSpec.Builder config, List<String> configured, ModelSignature signature,
            int width, int height, String where) {
        YoloxGrid grid = new YoloxGrid(config.strides != null ? config.strides : YoloxGrid.DEFAULT_STRIDES);
        if (!divides(grid.strides(), width, height)) {
            throw new IllegalArgumentException(where + ": the YOLOX strides " + java.util.Arrays.toString(grid.strides())
                    + " must divide the input size " + width + "x" + height + " (--strides or --input-size)");
        }
        TensorSignature out = configured != null
                ? single(configured, signature, "YOLOX reads one output, [N, cells, 5 + classes]", where)
                : signature.outputs().stream().filter(o -> o.rank() == 3).findFirst().orElseThrow(() ->
                        new IllegalArgumentException(where + " has no rank-3 output for the YOLOX decoder; its outputs are "
                                + describe(signature.outputs()) + " (--detector-outputs)"));
        requireFloat(out, where);
        if (out.rank() != 3 || out.dim(2) <= 5) {
            throw new IllegalArgumentException(where + ": output '" + out.name() + "' " + out.shapeText()
                    + " is not [N, cells, 5 + classes] as the YOLOX decoder needs (--detector-outputs or --decoder)");
        }
        int cells = grid.cells(width, height);
        if (out.dim(1) > 0 && out.dim(1) != cells) {
            throw new IllegalArgumentException(where + ": output '" + out.name() + "' " + out.shapeText() + " has "
                    + out.dim(1) + " cells but strides " + java.util.Arrays.toString(grid.strides()) + " at "
                    + width + "x" + height + " make " + cells + "; set --strides to the model's (e.g. 8,16,32,64)");
        }
        return new Decoded(grid, List.of(out.name()), (int) out.dim(2) - 5);
    }

    // ---- EfficientDet --------------------------------------------------------------------------

    private static Decoded efficientDet(List<String> configured, ModelSignature signature, int width, int height,
            String where) {
        TensorSignature classes;
        TensorSignature boxes;
        if (configured != null) {
            if (configured.size() != 2) {
                throw new IllegalArgumentException("the EfficientDet decoder reads two outputs, class scores and box"
                        + " deltas, got " + configured + " (--detector-outputs CLASSES,BOXES)");
            }
            classes = output(configured.get(0), signature, where);
            boxes = output(configured.get(1), signature, where);
        } else {
            List<TensorSignature> rank3 = signature.outputs().stream().filter(o -> o.rank() == 3).toList();
            boxes = rank3.stream().filter(o -> o.dim(2) == 4).findFirst().orElse(null);
            classes = rank3.stream().filter(o -> o.dim(2) != 4).findFirst().orElse(null);
            if (boxes == null || classes == null) {
                throw new IllegalArgumentException(where + " has outputs " + describe(signature.outputs())
                        + "; the EfficientDet decoder needs class scores [N, A, C] and box deltas [N, A, 4]"
                        + " (--detector-outputs CLASSES,BOXES)");
            }
        }
        requireFloat(classes, where);
        requireFloat(boxes, where);
        if (classes.rank() != 3 || boxes.rank() != 3 || boxes.dim(2) != 4 || classes.dim(2) <= 0) {
            throw new IllegalArgumentException(where + ": outputs '" + classes.name() + "' " + classes.shapeText()
                    + " and '" + boxes.name() + "' " + boxes.shapeText() + " are not [N, A, C] class scores and"
                    + " [N, A, 4] box deltas (--detector-outputs CLASSES,BOXES)");
        }
        AnchorGrid anchors = anchors(signature.metadata(), where);
        int divisor = 1 << anchors.maxLevel();
        if (width % divisor != 0 || height % divisor != 0) {
            throw new IllegalArgumentException(where + ": an EfficientDet input must be a multiple of " + divisor
                    + " (levels up to P" + anchors.maxLevel() + "), got " + width + "x" + height + " (--input-size)");
        }
        int expected = anchors.anchors(width, height);
        for (TensorSignature t : List.of(classes, boxes)) {
            if (t.dim(1) > 0 && t.dim(1) != expected) {
                throw new IllegalArgumentException(where + ": output '" + t.name() + "' " + t.shapeText() + " has "
                        + t.dim(1) + " anchors but " + anchors + " at " + width + "x" + height + " makes " + expected
                        + "; check the input size and the model's flinkvision.* metadata");
            }
        }
        int numClasses = (int) classes.dim(2);
        String declared = signature.metadata().get(NUM_CLASSES_KEY);
        if (declared != null && !declared.trim().equals(Integer.toString(numClasses))) {
            throw new IllegalArgumentException(where + ": metadata says " + declared + " classes but output '"
                    + classes.name() + "' " + classes.shapeText() + " scores " + numClasses);
        }
        return new Decoded(anchors, List.of(classes.name(), boxes.name()), numClasses);
    }

    /** From the model's metadata where it has them, else the EfficientDet reference's defaults. */
    static AnchorGrid anchors(Map<String, String> metadata, String where) {
        AnchorGrid d = AnchorGrid.efficientDetDefaults();
        try {
            int min = metadata.containsKey(MIN_LEVEL_KEY) ? Integer.parseInt(metadata.get(MIN_LEVEL_KEY).trim()) : d.minLevel();
            int max = metadata.containsKey(MAX_LEVEL_KEY) ? Integer.parseInt(metadata.get(MAX_LEVEL_KEY).trim()) : d.maxLevel();
            int scales = metadata.containsKey(NUM_SCALES_KEY)
                    ? Integer.parseInt(metadata.get(NUM_SCALES_KEY).trim()) : d.scalesPerOctave();
            double scale = metadata.containsKey(ANCHOR_SCALE_KEY)
                    ? Double.parseDouble(metadata.get(ANCHOR_SCALE_KEY).trim()) : d.anchorScale();
            double[][] ratios = metadata.containsKey(ASPECT_RATIOS_KEY)
                    ? aspectRatios(metadata.get(ASPECT_RATIOS_KEY)) : d.aspectRatios();
            return new AnchorGrid(min, max, scales, ratios, scale);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " has unreadable anchor metadata (" + e.getMessage()
                    + "): expected integers for flinkvision.min_level/max_level/num_scales, a number for"
                    + " flinkvision.anchor_scale and WxH pairs such as 1.0x1.0,1.4x0.7 for flinkvision.aspect_ratios");
        }
    }

    /** {@code "1.0x1.0,1.4x0.7,0.7x1.4"}: (width, height) multiplier pairs. */
    static double[][] aspectRatios(String text) {
        String[] pairs = text.split(",");
        double[][] out = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            String[] wh = pairs[i].trim().toLowerCase(Locale.ROOT).split("x");
            if (wh.length != 2) {
                throw new NumberFormatException("aspect ratio '" + pairs[i] + "' is not WxH");
            }
            out[i] = new double[] {Double.parseDouble(wh[0].trim()), Double.parseDouble(wh[1].trim())};
        }
        return out;
    }

    // ---- boxes ---------------------------------------------------------------------------------

    private static Decoded boxes(ModelSpec.Builder config, List<String> configured, ModelSignature signature,
            String where) {
        BoxFormat format = config.boxFormat != null ? config.boxFormat : BoxFormat.XYXY;
        boolean normalized = config.normalizedBoxes != null && config.normalizedBoxes;
        List<TensorSignature> roles = configured != null ? configuredBoxRoles(configured, signature, where)
                : inferredBoxRoles(signature, where);
        TensorSignature boxes = roles.get(0);
        TensorSignature scores = roles.size() > 1 ? roles.get(1) : null;
        requireFloat(boxes, where);
        if (scores == null) {
            if (boxes.rank() != 3 || (boxes.dim(2) > 0 && boxes.dim(2) < 6)) {
                throw new IllegalArgumentException(where + ": output '" + boxes.name() + "' " + boxes.shapeText()
                        + " is neither [N, K, 4] boxes with a scores output nor [N, K, 6] box, score, class rows"
                        + " (--detector-outputs BOXES,SCORES[,CLASSES[,COUNT]])");
            }
        } else {
            requireFloat(scores, where);
            if (boxes.rank() != 3 || boxes.dim(2) != 4 || scores.rank() != 2) {
                throw new IllegalArgumentException(where + ": outputs '" + boxes.name() + "' " + boxes.shapeText()
                        + " and '" + scores.name() + "' " + scores.shapeText() + " are not [N, K, 4] boxes and [N, K]"
                        + " scores (--detector-outputs BOXES,SCORES[,CLASSES[,COUNT]])");
            }
        }
        TensorSignature classes = roles.size() > 2 ? roles.get(2) : null;
        TensorSignature count = roles.size() > 3 ? roles.get(3) : null;
        List<String> names = new ArrayList<>();
        for (TensorSignature t : roles) {
            if (t != null) {
                names.add(t.name());
            }
        }
        BoxOutputs parameters = new BoxOutputs(boxes.name(), scores == null ? null : scores.name(),
                classes == null ? null : classes.name(), count == null ? null : count.name(), format, normalized);
        return new Decoded(parameters, names, 0);
    }

    /** [boxes] (combined), [boxes, scores], [boxes, scores, classes], [boxes, scores, classes, count]. */
    private static List<TensorSignature> configuredBoxRoles(List<String> configured, ModelSignature signature,
            String where) {
        if (configured.isEmpty() || configured.size() > 4) {
            throw new IllegalArgumentException("the boxes decoder reads 1 to 4 outputs in the order BOXES,SCORES,"
                    + "CLASSES,COUNT, got " + configured + " (--detector-outputs)");
        }
        List<TensorSignature> roles = new ArrayList<>();
        for (String name : configured) {
            roles.add(output(name, signature, where));
        }
        return roles;
    }

    /** By shape first, by name where shapes alike: boxes [N,K,4], scores/classes [N,K], count [N] or [N,1]. */
    private static List<TensorSignature> inferredBoxRoles(ModelSignature signature, String where) {
        List<TensorSignature> outputs = signature.outputs();
        TensorSignature boxes = outputs.stream().filter(o -> o.rank() == 3 && o.dim(2) == 4).findFirst().orElse(null);
        if (boxes == null) {
            TensorSignature combined = outputs.stream().filter(o -> o.rank() == 3).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(where + " has no [N, K, 4] boxes output; its outputs are "
                            + describe(outputs) + " (--detector-outputs BOXES,SCORES[,CLASSES[,COUNT]])"));
            return List.of(combined);
        }
        long k = boxes.dim(1);
        // A count is [N] or [N, 1] named like one; per-box outputs are [N, K] (K may be 1 or dynamic).
        List<TensorSignature> counts = outputs.stream().filter(o -> !o.equals(boxes))
                .filter(o -> o.rank() == 1 || (o.rank() == 2 && o.dim(1) == 1 && named(o, "num", "count")))
                .toList();
        List<TensorSignature> perBox = outputs.stream()
                .filter(o -> o.rank() == 2 && !o.equals(boxes) && !counts.contains(o))
                .filter(o -> k < 0 || o.dim(1) < 0 || o.dim(1) == k).toList();
        TensorSignature classes = perBox.stream().filter(o -> named(o, "class", "label")).findFirst()
                .orElse(perBox.stream().filter(o -> !o.elementType().equals("FLOAT")).findFirst().orElse(null));
        TensorSignature scores = perBox.stream().filter(o -> o != classes && o.elementType().equals("FLOAT"))
                .filter(o -> named(o, "score", "conf")).findFirst()
                .orElse(perBox.stream().filter(o -> o != classes && o.elementType().equals("FLOAT")).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(where + " has boxes '" + boxes.name()
                                + "' but no [N, K] float scores output; its outputs are " + describe(outputs)
                                + " (--detector-outputs BOXES,SCORES[,CLASSES[,COUNT]])")));
        TensorSignature count = counts.isEmpty() ? null : counts.get(0);
        List<TensorSignature> roles = new ArrayList<>(List.of(boxes, scores));
        if (classes != null || count != null) {
            roles.add(classes);
        }
        if (count != null) {
            roles.add(count);
        }
        return roles;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static List<String> labels(List<String> fileLabels, int classes, String where) {
        if (classes == 0) {
            return fileLabels != null ? fileLabels : List.of(); // the boxes decoder names unknown classes itself
        }
        if (fileLabels != null && fileLabels.size() != classes) {
            throw new IllegalArgumentException("the labels file has " + fileLabels.size() + " labels but " + where
                    + " scores " + classes + " classes; use the detector's labels file (--labels), one per class"
                    + " in output order");
        }
        return fileLabels != null ? fileLabels : LabelsFile.placeholders(classes);
    }

    private static TensorSignature single(List<String> configured, ModelSignature signature, String what, String where) {
        if (configured.size() != 1) {
            throw new IllegalArgumentException(what + ", got " + configured + " (--detector-outputs)");
        }
        return output(configured.get(0), signature, where);
    }

    private static TensorSignature output(String name, ModelSignature signature, String where) {
        return signature.output(name).orElseThrow(() -> new IllegalArgumentException(where + " has no output named '"
                + name + "'; its outputs are " + signature.outputNames() + " (--detector-outputs)"));
    }

    private static void requireFloat(TensorSignature t, String where) {
        if (!t.elementType().equals("FLOAT")) {
            throw new IllegalArgumentException(where + ": output '" + t.name() + "' is " + t.elementType()
                    + "; the decoder needs float32 there (--detector-outputs)");
        }
    }

    private static boolean named(TensorSignature t, String... parts) {
        String name = t.name().toLowerCase(Locale.ROOT);
        for (String part : parts) {
            if (name.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static boolean divides(int[] strides, int width, int height) {
        for (int s : strides) {
            if (width % s != 0 || height % s != 0) {
                return false;
            }
        }
        return true;
    }

    /** Values per sample (all but the batch dimension), 0 when one of them is dynamic. */
    private static int perSampleLength(TensorSignature t) {
        long n = 1;
        for (int i = 1; i < t.rank(); i++) {
            if (t.dim(i) < 0) {
                return 0;
            }
            n *= t.dim(i);
        }
        return n > Integer.MAX_VALUE ? 0 : (int) n;
    }

    private static String describe(List<TensorSignature> outputs) {
        return outputs.stream().map(TensorSignature::toString).toList().toString();
    }
}
