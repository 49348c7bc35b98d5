package io.flinkvision.core.model;

/**
 * What a detector expects when neither the configuration nor the ONNX file says otherwise: the
 * published preprocessing and filtering of each decoder's model family. An ONNX file records
 * shapes, not the training transform, so these are the defaults that the contract documents
 * ({@code README}, Detection) and every one of them can be configured.
 *
 * <ul>
 *   <li>YOLOX (Megvii's demo code): BGR, raw 0..255, letterbox at the top-left padded with 114,
 *       OpenCV {@code INTER_LINEAR}; score 0.3, class-aware NMS at IoU 0.45.</li>
 *   <li>EfficientDet (Google's automl reference): RGB, ImageNet mean/std on [0, 1], letterbox at the
 *       top-left padded with 0 after normalisation, bilinear at half-pixel centres without
 *       antialiasing ({@code tf.image.resize}); NMS at IoU 0.5 (the reference's hard-NMS threshold).</li>
 *   <li>Boxes (exports with NMS built in, Ultralytics-style): RGB on [0, 1] without mean/std, centred
 *       letterbox padded with grey 114 (0.447 on [0, 1]), OpenCV {@code INTER_LINEAR}; no further
 *       suppression (IoU 1): the model did it.</li>
 * </ul>
 * Every family keeps up to 100 boxes per frame (the references' and COCO evaluation's cap).
 */
final class DetectorFamily {
    private static final float[] ZEROS = ModelSpecResolver.ZEROS;
    private static final float[] ONES = ModelSpecResolver.ONES;

    static final DetectorFamily YOLOX = new DetectorFamily(ChannelOrder.BGR, PixelRange.RAW, ZEROS, ONES,
            ResizeMode.LETTERBOX_TOP_LEFT, ResizeFilter.OPENCV_LINEAR, 114f, 114f, 0.3f, 0.45f, 100);
    static final DetectorFamily EFFICIENTDET = new DetectorFamily(ChannelOrder.RGB, PixelRange.UNIT,
            PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD, ResizeMode.LETTERBOX_TOP_LEFT,
            ResizeFilter.OPENCV_LINEAR, 0f, 0f, 0.3f, 0.5f, 100);
    static final DetectorFamily BOXES = new DetectorFamily(ChannelOrder.RGB, PixelRange.UNIT, ZEROS, ONES,
            ResizeMode.LETTERBOX_CENTRED, ResizeFilter.OPENCV_LINEAR, 114f / 255f, 114f, 0.3f, 1f, 100);

    final ChannelOrder channelOrder;
    final PixelRange pixelRange;
    final float[] mean;
    final float[] std;
    final ResizeMode resizeMode;
    final ResizeFilter resizeFilter;
    /** Pad value of a float input (a tensor value, after normalisation). */
    final float padValue;
    /** Pad value of a uint8 input (a pixel value). */
    final float padPixel;
    final float scoreThreshold;
    final float nmsIouThreshold;
    final int maxDetections;

    private DetectorFamily(ChannelOrder channelOrder, PixelRange pixelRange, float[] mean, float[] std,
            ResizeMode resizeMode, ResizeFilter resizeFilter, float padValue, float padPixel, float scoreThreshold,
            float nmsIouThreshold, int maxDetections) {
        this.channelOrder = channelOrder;
        this.pixelRange = pixelRange;
        this.mean = mean;
        this.std = std;
        this.resizeMode = resizeMode;
        this.resizeFilter = resizeFilter;
        this.padValue = padValue;
        this.padPixel = padPixel;
        this.scoreThreshold = scoreThreshold;
        this.nmsIouThreshold = nmsIouThreshold;
        this.maxDetections = maxDetections;
    }

    static DetectorFamily of(DecoderKind decoder) {
        return switch (decoder) {
            case YOLOX -> YOLOX;
            case EFFICIENTDET -> EFFICIENTDET;
            case BOXES -> BOXES;
        };
    }
}
