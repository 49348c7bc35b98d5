package io.flinkvision.benchmark;

import io.flinkvision.testkit.SharedData;
import io.flinkvision.publisher.JpegEncoder;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The benchmark's input: the shared photos as camera-like JPEG frames of one size (default 1280x720,
 * scaled to cover and center-cropped), so every stage pays the realistic pixel-path cost.
 */
final class BenchmarkFrames {
    private BenchmarkFrames() {}

    static List<byte[]> jpegs(Path folder, int width, int height) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.toString().matches(".*\\.(jpg|jpeg|png)$")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no .jpg/.png photos in " + folder + " (set " + SharedData.ENV + ")");
        }
        List<byte[]> out = new ArrayList<>();
        for (Path file : files) {
            BufferedImage source = ImageIO.read(file.toFile());
            out.add(new JpegEncoder(0.9f).encode(cover(source, width, height)));
        }
        return out;
    }

    static Frame frame(String stream, long sequence, byte[] jpeg, int width, int height) {
        return Frame.newBuilder()
                .setStreamId(stream)
                .setSequence(sequence)
                .setCaptureTime(Instant.now())
                .setEncoding(FrameEncoding.JPEG)
                .setWidth(width)
                .setHeight(height)
                .setPayload(ByteBuffer.wrap(jpeg))
                .setAttributes(Map.of())
                .build();
    }

    static FrameEnvelope envelope(Frame frame, long offset) {
        return FrameEnvelope.newBuilder()
                .setSourceTopic("benchmark")
                .setSourcePartition(0)
                .setSourceOffset(offset)
                .setKafkaKey(frame.getStreamId())
                .setKafkaTimestamp(frame.getCaptureTime().toEpochMilli())
                .setFrame(frame)
                .build();
    }

    private static BufferedImage cover(BufferedImage source, int width, int height) {
        double scale = Math.max((double) width / source.getWidth(), (double) height / source.getHeight());
        int scaledW = (int) Math.ceil(source.getWidth() * scale);
        int scaledH = (int) Math.ceil(source.getHeight() * scale);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, (width - scaledW) / 2, (height - scaledH) / 2, scaledW, scaledH, null);
        g.dispose();
        return out;
    }
}
