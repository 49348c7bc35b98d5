package io.flinkvision.core.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Fills what the configuration leaves open from the model's signature and checks the rest against
 * it: the input for every model, the output of a classifier ({@link DetectorSpecResolver} does a
 * detector's). Pure (no file or runtime access), so every rule can be tested with a hand-made signature.
 */
final class ModelSpecResolver {
    static final int DEFAULT_TOP_K = 5;
    /** torchvision's eval transform resizes to size/0.875 before the center crop (256 for 224). */
    static final double CROP_FRACTION = 0.875;
    /** ImageNet classifiers with a background class at index 0 (TF-slim, TFLite/Coral exports). */
    static final int BACKGROUND_OUTPUTS = 1001;
    static final float[] ZEROS = {0f, 0f, 0f};
    static final float[] ONES = {1f, 1f, 1f};

    private ModelSpecResolver() {}

    static ModelSpec resolve(ModelSpec.Builder config, Path model, ModelSignature signature,
            List<String> fileLabels, String sha256) {
        String where = "model " + model;
        TensorSignature input = chooseInput(config.inputName, signature, where);
        if (input.rank() != 4) {
            throw new IllegalArgumentException(where + ": input '" + input.name() + "' has shape "
                    + input.shapeText() + "; an image model needs a rank-4 input (NCHW or NHWC)");
        }
        InputElementType elementType = elementType(config.elementType, input, where);
        TensorLayout layout = layout(config.layout, input, where);
        int[] size = inputSize(config.width, config.height, input, layout, where);
        int fixedBatch = fixedBatchSize(config.fixedBatchSize, input, where);
        String name = config.name != null && !config.name.isBlank() ? config.name : defaultName(model);
        ModelTask task = config.task != null ? config.task
                : config.decoder != null || DetectorSpecResolver.looksLikeDetector(signature, size) ? ModelTask.DETECTION
                : ModelTask.CLASSIFICATION;
        if (task == ModelTask.DETECTION) {
            return DetectorSpecResolver.resolve(config, new ResolvedInput(model, name, sha256, input, fixedBatch,
                    elementType, layout, size), signature, fileLabels, where);
        }
        rejectDetectorSettings(config, where);
        TensorSignature output = chooseOutput(config.outputName, signature, where);
        ResizeMode mode = config.resizeMode != null ? config.resizeMode
                : config.resizeShorterSide != null && config.resizeShorterSide == 0 ? ResizeMode.STRETCH
                : ResizeMode.CENTER_CROP;
        PixelRange range = config.pixelRange != null ? config.pixelRange : PixelRange.UNIT;
        boolean raw = range == PixelRange.RAW;
        PreprocessSpec preprocess = new PreprocessSpec(size[0], size[1], resizeShorterSide(config, mode, size),
                layout, config.channelOrder != null ? config.channelOrder : ChannelOrder.RGB, elementType,
                config.mean != null ? config.mean : raw ? ZEROS : PreprocessSpec.IMAGENET_MEAN,
                config.std != null ? config.std : raw ? ONES : PreprocessSpec.IMAGENET_STD, mode,
                config.resizeFilter != null ? config.resizeFilter : ResizeFilter.PIL_BILINEAR, range,
                config.padValue != null ? config.padValue : 0f);

        int outputLength = outputLength(output, where);
        int classOffset = classOffset(config.classOffset, outputLength, fileLabels, where);
        List<String> labels = labels(fileLabels, outputLength, classOffset, where);
        int topK = topK(config);
        return new ModelSpec(model.toString(), name, sha256, input.name(), input.shape(), fixedBatch, preprocess,
                ModelTask.CLASSIFICATION, output.name(),
                config.outputKind != null ? config.outputKind : OutputKind.LOGITS, outputLength, classOffset, labels,
                topK, null);
    }

    /** What every task reads from the input alone. */
    record ResolvedInput(Path model, String name, String sha256, TensorSignature input, int fixedBatch,
            InputElementType elementType, TensorLayout layout, int[] size) {}

    static int topK(ModelSpec.Builder config) {
        int topK = config.topK != null ? config.topK : DEFAULT_TOP_K;
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK + " (--top-k)");
        }
        return topK;
    }

    /** The shorter side for CENTER_CROP (configured, else round(size / 0.875)); 0 for every other mode. */
    static int resizeShorterSide(ModelSpec.Builder config, ResizeMode mode, int[] size) {
        if (mode != ResizeMode.CENTER_CROP) {
            if (config.resizeShorterSide != null && config.resizeShorterSide != 0) {
                throw new IllegalArgumentException("--resize-shorter-side " + config.resizeShorterSide
                        + " only applies to --resize-mode CENTER_CROP, not " + mode + "; drop one of them");
            }
            return 0;
        }
        return config.resizeShorterSide != null
                ? config.resizeShorterSide
                : (int) Math.round(Math.max(size[0], size[1]) / CROP_FRACTION);
    }

    private static void rejectDetectorSettings(ModelSpec.Builder config, String where) {
        String set = config.scoreThreshold != null ? "--score-threshold"
                : config.nmsIouThreshold != null ? "--nms-iou"
                : config.maxDetections != null ? "--max-detections"
                : config.detectorOutputs != null ? "--detector-outputs"
                : config.strides != null ? "--strides"
                : config.boxFormat != null ? "--box-format"
                : config.normalizedBoxes != null ? "--normalized-boxes"
                : null;
        if (set != null) {
            throw new IllegalArgumentException(set + " applies to detectors, but " + where
                    + " is configured as a classifier; drop it, or set the decoder (--decoder yolox|efficientdet|boxes)");
        }
    }

    private static int fixedBatchSize(Integer configured, TensorSignature input, String where) {
        long declared = input.dim(0);
        if (configured == null) {
            return declared > 0 ? (int) declared : 0;
        }
        if (configured < 0) {
            throw new IllegalArgumentException("the model batch size must be 0 (any) or positive, got " + configured
                    + " (--model-batch-size)");
        }
        if (declared > 0 && configured != declared) {
            throw new IllegalArgumentException(where + ": input '" + input.name() + "' " + input.shapeText()
                    + " has a fixed batch size of " + declared + " but " + configured
                    + " was configured; drop --model-batch-size");
        }
        return declared > 0 ? (int) declared : configured;
    }

    static String defaultName(Path model) {
        String file = model.getFileName().toString();
        return file.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")
                ? file.substring(0, file.length() - ".onnx".length())
                : file;
    }

    private static TensorSignature chooseInput(String configured, ModelSignature signature, String where) {
        if (configured != null) {
            return signature.input(configured).orElseThrow(() -> new IllegalArgumentException(where
                    + " has no input named '" + configured + "'; its inputs are " + signature.inputNames()
                    + " (--input-name)"));
        }
        if (signature.inputs().size() != 1) {
            throw new IllegalArgumentException(where + " has " + signature.inputs().size() + " inputs "
                    + signature.inputNames() + "; choose the image input with --input-name");
        }
        return signature.inputs().get(0);
    }

    static TensorSignature chooseOutput(String configured, ModelSignature signature, String where) {
        if (configured != null) {
            return signature.output(configured).orElseThrow(() -> new IllegalArgumentException(where
                    + " has no output named '" + configured + "'; its outputs are " + signature.outputNames()
                    + " (--output-name)"));
        }
        if (signature.outputs().isEmpty()) {
            throw new IllegalArgumentException(where + " declares no outputs");
        }
        return signature.outputs().get(0);
    }

    private static InputElementType elementType(InputElementType configured, TensorSignature input, String where) {
        InputElementType fromModel = switch (input.elementType()) {
            case "FLOAT" -> InputElementType.FLOAT32;
            case "UINT8" -> InputElementType.UINT8;
            default -> throw new IllegalArgumentException(where + ": input '" + input.name() + "' has element type "
                    + input.elementType() + "; only float32 and uint8 image inputs are supported");
        };
        if (configured != null && configured != fromModel) {
            // The runtime would reject every batch: say so now rather than per frame.
            throw new IllegalArgumentException(where + ": input '" + input.name() + "' is " + fromModel
                    + " but " + configured + " was configured; drop the element type setting");
        }
        return fromModel;
    }

    private static TensorLayout layout(TensorLayout configured, TensorSignature input, String where) {
        if (configured != null) {
            int channelDim = configured == TensorLayout.NCHW ? 1 : 3;
            long channels = input.dim(channelDim);
            if (channels > 0 && channels != 3) {
                throw new IllegalArgumentException(where + ": layout " + configured + " was configured but input '"
                        + input.name() + "' " + input.shapeText() + " has " + channels
                        + " in the channel position; check --layout");
            }
            return configured;
        }
        if (input.dim(1) == 3) {
            return TensorLayout.NCHW;
        }
        if (input.dim(3) == 3) {
            return TensorLayout.NHWC;
        }
        throw new IllegalArgumentException(where + ": cannot tell the layout of input '" + input.name() + "' "
                + input.shapeText() + " (no dimension 1 or 3 of size 3); set --layout NCHW or NHWC");
    }

    /** Returns {width, height}. */
    private static int[] inputSize(Integer width, Integer height, TensorSignature input, TensorLayout layout,
            String where) {
        long modelHeight = input.dim(layout == TensorLayout.NCHW ? 2 : 1);
        long modelWidth = input.dim(layout == TensorLayout.NCHW ? 3 : 2);
        if (width != null || height != null) {
            if (width == null || height == null || width <= 0 || height <= 0) {
                throw new IllegalArgumentException(
                        "input size must be two positive numbers, got " + width + "x" + height + " (--input-size)");
            }
            if ((modelWidth > 0 && modelWidth != width) || (modelHeight > 0 && modelHeight != height)) {
                throw new IllegalArgumentException(where + ": input '" + input.name() + "' " + input.shapeText()
                        + " is fixed at " + modelWidth + "x" + modelHeight + " but " + width + "x" + height
                        + " was configured; drop --input-size or use the model's size");
            }
            return new int[] {width, height};
        }
        if (modelWidth <= 0 || modelHeight <= 0) {
            throw new IllegalArgumentException(where + ": input '" + input.name() + "' " + input.shapeText()
                    + " has a dynamic height or width; set the input size the model was trained at (--input-size)");
        }
        return new int[] {(int) modelWidth, (int) modelHeight};
    }

    /** Per-sample length: [n,C], [n,C,1,1] or [n,1,C] are all class-score rows of length C. */
    private static int outputLength(TensorSignature output, String where) {
        if (!output.elementType().equals("FLOAT")) {
            throw new IllegalArgumentException(where + ": output '" + output.name() + "' is " + output.elementType()
                    + "; a float32 score output is needed (--output-name)");
        }
        if (output.rank() < 2) {
            throw new IllegalArgumentException(where + ": output '" + output.name() + "' " + output.shapeText()
                    + " has no batch and class dimensions; a [batch, classes] output is needed (--output-name)");
        }
        long length = 1;
        int nonUnit = 0;
        for (int i = 1; i < output.rank(); i++) {
            long d = output.dim(i);
            if (d < 0) {
                throw new IllegalArgumentException(where + ": output '" + output.name() + "' " + output.shapeText()
                        + " has a dynamic class dimension; the number of classes cannot be read from the model");
            }
            nonUnit += d != 1 ? 1 : 0;
            length *= d;
        }
        if (nonUnit > 1 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": output '" + output.name() + "' " + output.shapeText()
                    + " is not one score vector per sample; choose the classifier output with --output-name");
        }
        return (int) length;
    }

    private static int classOffset(Integer configured, int outputLength, List<String> fileLabels, String where) {
        if (configured != null) {
            if (configured < 0 || configured >= outputLength) {
                throw new IllegalArgumentException("class offset must be in [0, " + outputLength + ") for "
                        + where + " with " + outputLength + " outputs, got " + configured + " (--class-offset)");
            }
            return configured;
        }
        // 1001 outputs and 1000 ImageNet labels: TF-slim style exports put "background" at index 0.
        // Deliberately only this case: "one label short" in general is more often a wrong labels file.
        return fileLabels != null && outputLength == BACKGROUND_OUTPUTS && fileLabels.size() == BACKGROUND_OUTPUTS - 1
                ? 1 : 0;
    }

    static List<String> labels(List<String> fileLabels, int outputLength, int classOffset, String where) {
        int classes = outputLength - classOffset;
        if (fileLabels == null) {
            return LabelsFile.placeholders(classes);
        }
        if (fileLabels.size() != classes) {
            throw new IllegalArgumentException("the labels file has " + fileLabels.size() + " labels but " + where
                    + " has " + outputLength + " outputs" + (classOffset > 0 ? " with class offset " + classOffset : "")
                    + ", so " + classes + " labels are needed; use the model's labels file (--labels)"
                    + " or set --class-offset");
        }
        return fileLabels;
    }
}
