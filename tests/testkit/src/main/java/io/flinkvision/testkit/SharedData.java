package io.flinkvision.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the models, labels, photos and video live. They are never committed; they are read from a
 * directory chosen by, in order: the system property {@code flinkvision.shared}, the environment
 * variable {@code FLINKVISION_SHARED}, else {@code ../shared} relative to the working directory
 * (the checkout's sibling, as laid out for developers and CI).
 */
public final class SharedData {
    public static final String PROPERTY = "flinkvision.shared";
    public static final String ENV = "FLINKVISION_SHARED";
    /** Set (to anything but "false") where the shared folder must be there: tests then fail instead of skipping. */
    public static final String REQUIRE_PROPERTY = "flinkvision.requireShared";
    public static final String REQUIRE_ENV = "FLINKVISION_REQUIRE_SHARED";
    public static final String DEFAULT_MODEL_FILE = "efficientnet_b0_seed0_bncal.onnx";
    public static final String PRETRAINED_STAND_IN_FILE =
            "squeezenet1_1_imagenet_onnxzoo_FALLBACK_not_efficientnet.onnx";
    public static final String PARITY_MODEL_FILE = "efficientnet_b0_torchvision_seed0.onnx";
    public static final String LABELS_FILE = "imagenet_labels.txt";
    public static final String SAMPLE_VIDEO_FILE = "slideshow_640x480_25fps.mp4";
    /** The pretrained COCO detector standing in for EfficientDet (PROVENANCE.md section 9). */
    public static final String DETECTOR_STAND_IN_FILE = "yolox_nano_coco_416_pretrained_FALLBACK_not_efficientdet.onnx";
    public static final String COCO_LABELS_FILE = "coco_labels.txt";
    /** Under images/: per photo, the objects the detector stand-in must find. */
    public static final String EXPECTED_DETECTIONS_FILE = "detections.tsv";

    private SharedData() {}

    /** The shared data directory (it may not exist: callers that need it say so). */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENV);
        }
        if (configured == null || configured.isBlank()) {
            configured = "../shared";
        }
        return Paths.get(configured).toAbsolutePath().normalize();
    }

    public static Path models() {
        return root().resolve("models");
    }

    public static Path images() {
        return root().resolve("images");
    }

    public static Path defaultModel() {
        return models().resolve(DEFAULT_MODEL_FILE);
    }

    public static Path labels() {
        return models().resolve(LABELS_FILE);
    }

    public static Path detectorStandIn() {
        return models().resolve(DETECTOR_STAND_IN_FILE);
    }

    public static Path cocoLabels() {
        return models().resolve(COCO_LABELS_FILE);
    }

    public static Path expectedDetections() {
        return images().resolve(EXPECTED_DETECTIONS_FILE);
    }

    public static Path sampleVideo() {
        return images().resolve(SAMPLE_VIDEO_FILE);
    }

    public static boolean isPresent() {
        return Files.isDirectory(models()) && Files.isDirectory(images());
    }

    /**
     * Whether a missing shared file is an error rather than a reason to skip. CI sets it, so that the
     * tests which need trained weights or photos cannot pass by skipping.
     */
    public static boolean required() {
        String value = System.getProperty(REQUIRE_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(REQUIRE_ENV);
        }
        return value != null && !value.isBlank() && !value.equalsIgnoreCase("false");
    }
}
