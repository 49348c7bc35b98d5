package io.flinkvision.tests;

import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** The shared photos as frames, and a set of deliberately bad records with the reason each must get. */
final class TestFrames {
    private TestFrames() {}

    /** A photo of ../shared/images and its bytes. */
    record Photo(String fileName, FrameEncoding encoding, byte[] bytes) {}

    /** A record for the frames topic: key and value bytes (value may not be a Frame at all). */
    record BadRecord(String description, String streamId, long sequence, byte[] value, ReasonCode expected) {}

    static List<Photo> photos() {
        try (Stream<Path> files = Files.list(SharedFixtures.images())) {
            List<Photo> photos = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().toLowerCase();
                FrameEncoding encoding = name.endsWith(".jpg") || name.endsWith(".jpeg") ? FrameEncoding.JPEG
                        : name.endsWith(".png") ? FrameEncoding.PNG : null;
                if (encoding != null) {
                    photos.add(new Photo(file.getFileName().toString(), encoding, Files.readAllBytes(file)));
                }
            }
            return photos;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shared photos in " + SharedFixtures.images(), e);
        }
    }

    /**
     * Start of the test run's event time: the last full hour an hour ago, so that windows align the
     * same way in every run, and recent enough for the job's --max-frame-age (7 days by default).
     */
    static final long BASE_MILLIS = (System.currentTimeMillis() / 3_600_000L - 1) * 3_600_000L;

    /**
     * Capture time of the {@code sequence}-th record of a stream: 40 ms apart (25 fps) from
     * {@link #BASE_MILLIS}. Records that are not frames carry it as their Kafka timestamp, as a
     * camera's publisher would, so they share the frames' event-time clock.
     */
    static long captureMillis(long sequence) {
        return BASE_MILLIS + sequence * 40;
    }

    static Frame frame(String streamId, long sequence, FrameEncoding encoding, int width, int height, byte[] payload) {
        return Frame.newBuilder()
                .setStreamId(streamId)
                .setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis(sequence)))
                .setEncoding(encoding)
                .setWidth(width)
                .setHeight(height)
                .setPayload(ByteBuffer.wrap(payload))
                .setAttributes(Map.of())
                .build();
    }

    /**
     * One of each kind of bad input, on {@code streamId} from {@code firstSequence}.
     *
     * @param maxPixels the job's pixel limit, to build a frame above it
     */
    static List<BadRecord> badRecords(String streamId, long firstSequence, byte[] aJpeg, long maxPixels) {
        var codec = io.flinkvision.schemas.AvroCodec.of(Frame.class);
        Random random = new Random(42);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        // Must not parse as a Frame by chance: a Frame starts with a string length; 0xFF.. is negative.
        noise[0] = (byte) 0xFF;
        byte[] randomPayload = new byte[2048];
        random.nextBytes(randomPayload);
        int side = (int) Math.ceil(Math.sqrt((double) maxPixels)) + 16;
        long s = firstSequence;
        List<BadRecord> bad = new ArrayList<>();
        bad.add(new BadRecord("random bytes, not an Avro Frame", streamId, s++, noise, ReasonCode.NOT_A_FRAME));
        bad.add(new BadRecord("text, not an Avro Frame", streamId, s++,
                "this is not a frame".getBytes(StandardCharsets.UTF_8), ReasonCode.NOT_A_FRAME));
        bad.add(new BadRecord("JPEG frame with random payload", streamId, s,
                codec.encode(frame(streamId, s++, FrameEncoding.JPEG, 0, 0, randomPayload)), ReasonCode.CORRUPT_IMAGE));
        bad.add(new BadRecord("truncated JPEG", streamId, s,
                codec.encode(frame(streamId, s++, FrameEncoding.JPEG, 0, 0,
                        java.util.Arrays.copyOf(aJpeg, aJpeg.length / 2))), ReasonCode.CORRUPT_IMAGE));
        bad.add(new BadRecord("zero-length payload", streamId, s,
                codec.encode(frame(streamId, s++, FrameEncoding.JPEG, 0, 0, new byte[0])), ReasonCode.EMPTY_PAYLOAD));
        bad.add(new BadRecord("RGB24 with wrong length", streamId, s,
                codec.encode(frame(streamId, s++, FrameEncoding.RGB24, 64, 48, new byte[64 * 48 * 3 - 5])),
                ReasonCode.SIZE_MISMATCH));
        bad.add(new BadRecord("declared size over the pixel limit", streamId, s,
                codec.encode(frame(streamId, s++, FrameEncoding.RGB24, side, side, new byte[30])),
                ReasonCode.TOO_MANY_PIXELS));
        return bad;
    }
}
