package io.flinkvision.core.model;

/** The interpolation a model's training pipeline resized with; the pixels differ, and so do the answers. */
public enum ResizeFilter {
    /**
     * Pillow's antialiased bilinear ({@code Image.resize(..., BILINEAR)}): the triangle filter widens
     * with the downscale factor. torchvision-trained models.
     */
    PIL_BILINEAR,
    /**
     * OpenCV's {@code cv::resize(..., INTER_LINEAR)}: two nearest source pixels per axis at half-pixel
     * centres, no antialiasing, 11-bit fixed-point weights. YOLOX-style models, and the
     * {@code tf.image.resize} bilinear of TensorFlow detectors (same sampling, float weights).
     */
    OPENCV_LINEAR
}
