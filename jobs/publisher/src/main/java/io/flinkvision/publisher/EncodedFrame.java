package io.flinkvision.publisher;

import io.flinkvision.schemas.FrameEncoding;
import java.util.Map;
import java.util.Objects;

/**
 * One encoded image from a {@link FrameSource}, before it gets a stream id, sequence and capture time.
 *
 * @param width pixels, 0 when unknown (allowed for JPEG and PNG)
 * @param height pixels, 0 when unknown
 * @param payload the encoded bytes; not copied, callers must not change them
 * @param attributes where the frame came from (file name, video frame index...)
 */
public record EncodedFrame(
        FrameEncoding encoding, int width, int height, byte[] payload, Map<String, String> attributes) {
    public EncodedFrame {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(payload, "payload");
        attributes = Map.copyOf(attributes);
    }
}
