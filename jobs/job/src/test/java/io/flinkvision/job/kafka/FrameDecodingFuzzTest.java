package io.flinkvision.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.ImageDecoder;
import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.internal.FrameEnvelope;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutational fuzzer (Jazzer does not resolve from the Maven Central mirror here) of what
 * every frames-topic record goes through before inference: {@link FrameEnvelopeDeserializer} (Avro
 * single-object decoding, admission) and {@link ImageDecoder} (JPEG, PNG, RGB24). Seeds are small
 * real images in valid Frames; each input is a mutation of the record bytes or of a frame's payload
 * (bit flips, interesting bytes, inserted/deleted/duplicated ranges, truncation, splices). An input
 * that gives a new outcome (reason and message start) joins the corpus, a cheap stand-in for coverage
 * feedback. Every input must end in an envelope or a {@link FrameRejectedException}: no other
 * exception, no decode longer than {@link #HANG}, no more than {@link #ALLOCATION_BUDGET} allocated.
 *
 * <p>Runs {@code -Dfuzz.seconds} / {@code -Dflinkvision.fuzz.seconds} (default 10) seconds with
 * {@code -Dfuzz.seed} / {@code -Dflinkvision.fuzz.seed}.
 */
class FrameDecodingFuzzTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long MAX_PIXELS = 1_000_000L;
    private static final Duration HANG = Duration.ofSeconds(10);
    /** Per input: a 1 MP budget decodes to ~3 MB of RGB plus ImageIO's rasters; 10x that is a leak of trust. */
    private static final long ALLOCATION_BUDGET = 96L * 1024 * 1024;

    private final FrameEnvelopeDeserializer deserializer = new FrameEnvelopeDeserializer(new FrameAdmission(
            256 * 1024, Duration.ofDays(1), Duration.ofSeconds(10), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)));
    private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
    private final AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void noInputThrowsHangsOrAllocatesBeyondItsBudget() throws Exception {
        // Both spellings, as tests/integration's fuzzers read them: one flag lengthens every fuzz test.
        long seconds = Long.getLong("fuzz.seconds", Long.getLong("flinkvision.fuzz.seconds", 10));
        long seed = Long.getLong("fuzz.seed", Long.getLong("flinkvision.fuzz.seed", 2026_12_02L));
        Random random = new Random(seed);
        List<byte[]> corpus = new ArrayList<>(seeds());
        Set<String> outcomes = new HashSet<>();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        long inputs = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (System.nanoTime() < deadline) {
                byte[] parent = corpus.get(random.nextInt(corpus.size()));
                byte[] input = random.nextBoolean() ? mutate(parent, random, corpus)
                        : mutatePayload(parent, random, corpus);
                Future<String> run = worker.submit(() -> outcomeOf(input));
                String outcome;
                try {
                    outcome = run.get(HANG.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("input " + inputs + " (seed " + seed + ") took over " + HANG, e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("input " + inputs + " (seed " + seed + ", " + input.length
                            + " bytes) escaped with " + e.getCause(), e.getCause());
                }
                if (outcomes.add(outcome) && corpus.size() < 2_000) {
                    corpus.add(input);
                }
                inputs++;
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("fuzz: %d inputs in %d s (seed %d), %d distinct outcomes, corpus %d%n", inputs, seconds,
                seed, outcomes.size(), corpus.size());
        assertThat(inputs).isGreaterThan(100);
        // The fuzzer must reach the image decoder, not only the Avro layer.
        assertThat(outcomes).anyMatch(o -> o.startsWith("labelled")).anyMatch(o -> o.startsWith("CORRUPT_IMAGE"))
                .anyMatch(o -> o.startsWith("NOT_A_FRAME"));
    }

    /** What became of one input: "labelled WxH" or "REASON: message start". */
    private String outcomeOf(byte[] value) throws Exception {
        long before = threads.getCurrentThreadAllocatedBytes();
        String outcome;
        FrameEnvelope envelope = deserializer.toEnvelope(new ConsumerRecord<>("frames", 0, 0L, NOW,
                TimestampType.CREATE_TIME, -1, -1, new byte[] {'k'}, value, new RecordHeaders(), java.util.Optional.empty()));
        if (envelope.getFrame() == null) {
            assertThat(envelope.getErrorReason()).isNotNull();
            outcome = envelope.getErrorReason() + ": " + prefix(envelope.getError());
        } else {
            Frame frame = envelope.getFrame();
            byte[] payload = new byte[frame.getPayload().remaining()];
            frame.getPayload().duplicate().get(payload);
            try {
                var image = decoder.decode(frame.getEncoding(), frame.getWidth(), frame.getHeight(), payload);
                outcome = "labelled " + image.width() + "x" + image.height();
            } catch (FrameRejectedException e) {
                outcome = e.reason() + ": " + prefix(e.getMessage());
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated for a %d-byte input (%s)", value.length, outcome)
                .isLessThanOrEqualTo(ALLOCATION_BUDGET);
        return outcome;
    }

    private static String prefix(String message) {
        String text = message == null ? "" : message.replaceAll("[0-9]+", "#");
        return text.length() > 40 ? text.substring(0, 40) : text;
    }

    private List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        BufferedImage image = new BufferedImage(48, 32, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, 48, 32);
        g.setColor(Color.BLUE);
        g.fillOval(8, 4, 30, 22);
        g.dispose();
        for (String format : new String[] {"jpeg", "png"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            seeds.add(codec.encode(frame(format.equals("png") ? FrameEncoding.PNG : FrameEncoding.JPEG, 0, 0,
                    out.toByteArray())));
        }
        seeds.add(codec.encode(frame(FrameEncoding.RGB24, 4, 3, new byte[36])));
        return seeds;
    }

    private static Frame frame(FrameEncoding encoding, int width, int height, byte[] payload) {
        return Frame.newBuilder().setStreamId("cam-f").setSequence(1).setCaptureTime(Instant.ofEpochMilli(NOW))
                .setEncoding(encoding).setWidth(width).setHeight(height).setPayload(ByteBuffer.wrap(payload))
                .setAttributes(Map.of()).build();
    }

    /** The record's payload mutated and the frame encoded again (reaches the image decoders). */
    private byte[] mutatePayload(byte[] record, Random random, List<byte[]> corpus) {
        try {
            Frame frame = codec.decode(record);
            byte[] payload = new byte[frame.getPayload().remaining()];
            frame.getPayload().duplicate().get(payload);
            frame.setPayload(ByteBuffer.wrap(mutate(payload, random, corpus)));
            if (random.nextInt(8) == 0) {
                frame.setWidth(random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(4096) - 8);
                frame.setHeight(random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(4096) - 8);
            }
            return codec.encode(frame);
        } catch (Exception e) {
            return mutate(record, random, corpus); // the parent is no frame: mutate its bytes instead
        }
    }

    private static final int[] INTERESTING = {0x00, 0xFF, 0x7F, 0x80, 0x01, 0xC3, 0xD8, 0xD9, 0xC0, 0xC4, 0xDA};

    private static byte[] mutate(byte[] parent, Random random, List<byte[]> corpus) {
        byte[] data = parent.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && data.length > 0; r++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(7)) {
                case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> data[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> data = java.util.Arrays.copyOf(data, at); // truncate
                case 3 -> { // delete a range
                    int n = Math.min(data.length - at, 1 + random.nextInt(64));
                    byte[] out = new byte[data.length - n];
                    System.arraycopy(data, 0, out, 0, at);
                    System.arraycopy(data, at + n, out, at, data.length - at - n);
                    data = out;
                }
                case 4 -> { // duplicate a range
                    int n = Math.min(data.length - at, 1 + random.nextInt(64));
                    byte[] out = new byte[data.length + n];
                    System.arraycopy(data, 0, out, 0, at + n);
                    System.arraycopy(data, at, out, at + n, data.length - at);
                    data = out;
                }
                case 5 -> { // splice another corpus entry's tail
                    byte[] other = corpus.get(random.nextInt(corpus.size()));
                    int from = random.nextInt(Math.max(1, other.length));
                    byte[] out = java.util.Arrays.copyOf(data, at + other.length - from);
                    System.arraycopy(other, from, out, at, other.length - from);
                    data = out;
                }
                default -> { // a big-endian 16-bit size field (JPEG/PNG headers) set to an extreme
                    if (at + 1 < data.length) {
                        int v = random.nextBoolean() ? 0xFFFF : random.nextInt(0x10000);
                        data[at] = (byte) (v >> 8);
                        data[at + 1] = (byte) v;
                    }
                }
            }
        }
        return data;
    }
}
