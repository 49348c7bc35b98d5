package io.flinkvision.tests.badinput;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.FrameEncoding;
import io.flinkvision.schemas.ReasonCode;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Bad (and awkward but valid) frames-topic records made from real photos, each with the outcome the
 * job must give it: labelled, or dead-lettered with one reason code. Deterministic (seeded).
 */
public final class BadInputCorpus {
    /** What must become of a record: {@code reason} null means labelled. */
    public record Kind(String name, String key, byte[] value, long kafkaTimestamp, ReasonCode reason) {
        public boolean labelled() {
            return reason == null;
        }
    }

    /** The limits the job runs with in the test, which the corpus aims over and under. */
    public record Limits(int maxFrameBytes, long maxPixels, long nowMillis, long maxFrameAgeMillis) {}

    private final AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
    private final Random random = new Random(20261202L);
    private final Limits limits;
    private final byte[] jpeg;
    private final BufferedImage photo;
    private final List<Kind> kinds = new ArrayList<>();
    private long sequence;

    private BadInputCorpus(byte[] jpeg, Limits limits) {
        this.jpeg = jpeg;
        this.limits = limits;
        try {
            this.photo = ImageIO.read(new ByteArrayInputStream(jpeg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Frame schema with an optional field a newer producer adds ({@code lensId}), which the job is given. */
    public static Schema evolvedFrameSchema() {
        return withExtraField("lensId", Schema.create(Schema.Type.STRING));
    }

    /** Another newer schema that the job is not told about. */
    public static Schema unannouncedFrameSchema() {
        return withExtraField("gpsFix", Schema.create(Schema.Type.DOUBLE));
    }

    private static Schema withExtraField(String name, Schema type) {
        Schema current = Frame.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), type), "added later",
                Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /**
     * @param jpeg a real photo (JPEG) to derive every kind from
     */
    public static List<Kind> build(byte[] jpeg, byte[] png, Limits limits) {
        return new BadInputCorpus(jpeg, limits).all(png);
    }

    private List<Kind> all(byte[] png) {
        // ---- valid, in every colour layout the decoder must handle: labelled
        frame("valid JPEG photo", FrameEncoding.JPEG, 0, 0, jpeg, null);
        frame("valid PNG photo", FrameEncoding.PNG, 0, 0, png, null);
        frame("grey JPEG", FrameEncoding.JPEG, 0, 0, jpegOf(convert(BufferedImage.TYPE_BYTE_GRAY)), null);
        frame("CMYK JPEG (no Adobe marker)", FrameEncoding.JPEG, 0, 0, cmykJpeg(), null);
        frame("grey PNG", FrameEncoding.PNG, 0, 0, pngOf(convert(BufferedImage.TYPE_BYTE_GRAY)), null);
        // PNG variants at half size: lossless, the full-size ones would be over the test's 2 MiB record limit.
        frame("16-bit grey PNG", FrameEncoding.PNG, 0, 0, pngOf(convert(BufferedImage.TYPE_USHORT_GRAY, 2)), null);
        frame("palette PNG", FrameEncoding.PNG, 0, 0, pngOf(palette()), null);
        frame("RGBA PNG (alpha)", FrameEncoding.PNG, 0, 0, pngOf(convert(BufferedImage.TYPE_INT_ARGB, 2)), null);
        BufferedImage small = scaled(64, 48);
        frame("RGB24 of the right length", FrameEncoding.RGB24, 64, 48, rgb24(small), null);
        frame("JPEG with the right declared size", FrameEncoding.JPEG, photo.getWidth(), photo.getHeight(), jpeg, null);
        add("valid frame with a Kafka timestamp far in the future", "cam-bad", codec.encode(frameOf(FrameEncoding.JPEG, 0, 0,
                jpeg, capture())), limits.nowMillis() + 3_600_000L, null);
        add("frame written with a newer schema the job was given", "cam-bad", evolved(evolvedFrameSchema(), "lensId",
                "wide-2"), capture(), null);

        // ---- not a frame at all
        add("random bytes", "cam-bad", randomBytes(4096, (byte) 0x5A), capture(), ReasonCode.NOT_A_FRAME);
        add("text", "cam-bad", "this is not a frame".getBytes(StandardCharsets.UTF_8), capture(), ReasonCode.NOT_A_FRAME);
        add("zero-length record value", "cam-bad", new byte[0], capture(), ReasonCode.NOT_A_FRAME);
        add("null record value (tombstone)", "cam-bad", null, capture(), ReasonCode.NOT_A_FRAME);
        add("plain Avro binary without the single-object header", "cam-bad",
                Arrays.copyOfRange(codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg, capture())), 10, 200),
                capture(), ReasonCode.NOT_A_FRAME);
        byte[] header = Arrays.copyOf(codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg, capture())), 10);
        add("valid header, random body", "cam-bad", concat(header, randomBytes(512, (byte) 0x7F)), capture(),
                ReasonCode.NOT_A_FRAME);
        add("valid header, body declaring a 1 GiB stream id", "cam-bad", concat(header,
                new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'x'}), capture(),
                ReasonCode.NOT_A_FRAME);
        byte[] whole = codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg, capture()));
        add("Frame record cut in half", "cam-bad", Arrays.copyOf(whole, whole.length / 2), capture(), ReasonCode.NOT_A_FRAME);
        add("Frame record with trailing bytes", "cam-bad", concat(whole, new byte[] {0, 1, 2}), capture(),
                ReasonCode.NOT_A_FRAME);
        byte[] badEnum = codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, new byte[] {1}, capture()));
        add("unknown encoding (enum index out of range)", "cam-bad", withEncodingIndex(badEnum, 9), capture(),
                ReasonCode.NOT_A_FRAME);

        // ---- schema identity
        byte[] unknown = whole.clone();
        for (int i = 2; i < 10; i++) {
            unknown[i] ^= (byte) 0x5A;
        }
        add("unknown schema fingerprint", "cam-bad", unknown, capture(), ReasonCode.UNKNOWN_SCHEMA);
        add("frame written with a newer schema the job was not given", "cam-bad",
                evolved(unannouncedFrameSchema(), "gpsFix", 51.5), capture(), ReasonCode.UNKNOWN_SCHEMA);
        add("frame missing a required field (schema without width)", "cam-bad", withoutWidth(), capture(),
                ReasonCode.UNKNOWN_SCHEMA);

        // ---- frames whose pixels are bad
        frame("JPEG payload of random bytes", FrameEncoding.JPEG, 0, 0, randomBytes(2048, (byte) 0x11), ReasonCode.CORRUPT_IMAGE);
        frame("JPEG cut after 16 bytes", FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, 16), ReasonCode.CORRUPT_IMAGE);
        frame("JPEG cut at a third", FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, jpeg.length / 3), ReasonCode.CORRUPT_IMAGE);
        frame("JPEG cut at 90%", FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, jpeg.length * 9 / 10), ReasonCode.CORRUPT_IMAGE);
        frame("PNG cut in half", FrameEncoding.PNG, 0, 0, Arrays.copyOf(png, png.length / 2), ReasonCode.CORRUPT_IMAGE);
        frame("JPEG with a corrupt Huffman table", FrameEncoding.JPEG, 0, 0, JpegSurgery.withCorruptHuffmanTable(jpeg),
                ReasonCode.CORRUPT_IMAGE);
        frame("JPEG header declaring 0x0", FrameEncoding.JPEG, 0, 0, JpegSurgery.withDeclaredSize(jpeg, 0, 0),
                ReasonCode.CORRUPT_IMAGE);
        frame("JPEG header declaring 65000x65000", FrameEncoding.JPEG, 0, 0,
                JpegSurgery.withDeclaredSize(jpeg, 65000, 65000), ReasonCode.TOO_MANY_PIXELS);
        frame("JPEG header declaring 65535x1 (extreme aspect ratio)", FrameEncoding.JPEG, 0, 0,
                JpegSurgery.withDeclaredSize(jpeg, 65535, 1), ReasonCode.DECODE_BUDGET_EXCEEDED);
        frame("declared size over the pixel limit", FrameEncoding.JPEG, 100_000, 100_000, jpeg, ReasonCode.TOO_MANY_PIXELS);
        // For JPEG/PNG the declared size only lets a frame be refused before its header is read; the
        // header's size is what is bounded and decoded, so a wrong (smaller) declaration changes nothing.
        frame("declared size wrong (half the real one)", FrameEncoding.JPEG, photo.getWidth() / 2, photo.getHeight() / 2,
                jpeg, null);
        frame("declared negative size", FrameEncoding.JPEG, -640, -480, jpeg, ReasonCode.SIZE_MISMATCH);
        frame("PNG bytes declared as JPEG", FrameEncoding.JPEG, 0, 0, png, ReasonCode.CORRUPT_IMAGE);
        frame("zero-length payload", FrameEncoding.JPEG, 0, 0, new byte[0], ReasonCode.EMPTY_PAYLOAD);
        frame("RGB24 of the wrong length", FrameEncoding.RGB24, 64, 48, Arrays.copyOf(rgb24(small), 64 * 48 * 3 - 5),
                ReasonCode.SIZE_MISMATCH);
        frame("RGB24 declared 0x0", FrameEncoding.RGB24, 0, 0, new byte[12], ReasonCode.SIZE_MISMATCH);
        frame("RGB24 declared negative", FrameEncoding.RGB24, -4, -1, new byte[12], ReasonCode.SIZE_MISMATCH);

        // ---- sizes on the wire
        byte[] huge = JpegSurgery.withDeclaredSize(jpeg, 65000, 65000);
        byte[] underLimit = null;
        for (int payload = limits.maxFrameBytes() - 64; underLimit == null || underLimit.length > limits.maxFrameBytes() - 16;
                payload -= 64) {
            underLimit = codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, JpegSurgery.paddedTo(huge, payload), capture()));
        }
        add("record just under the limit whose dead letter would not fit (truncated)", "cam-bad", underLimit, capture(),
                ReasonCode.TOO_MANY_PIXELS);
        add("record over --max-frame-bytes", "cam-bad", codec.encode(frameOf(FrameEncoding.JPEG, 0, 0,
                JpegSurgery.paddedTo(jpeg, limits.maxFrameBytes() + 1024), capture())), capture(), ReasonCode.TOO_LARGE);

        // ---- fields out of range
        add("negative capture time", "cam-bad", codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg, -1_000L)), capture(),
                ReasonCode.INVALID_TIMESTAMP);
        add("capture time an hour ahead of the wall clock", "cam-bad", codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg,
                limits.nowMillis() + 3_600_000L)), capture(), ReasonCode.INVALID_TIMESTAMP);
        add("capture time older than --max-frame-age", "cam-bad", codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg,
                limits.nowMillis() - limits.maxFrameAgeMillis() - 60_000L)), capture(), ReasonCode.INVALID_TIMESTAMP);
        add("capture time Long.MAX_VALUE", "cam-bad", codec.encode(frameOf(FrameEncoding.JPEG, 0, 0, jpeg, Long.MAX_VALUE)),
                capture(), ReasonCode.INVALID_TIMESTAMP);
        Frame noStream = frameOf(FrameEncoding.JPEG, 0, 0, jpeg, capture());
        noStream.setStreamId("");
        add("empty stream id", "cam-bad", codec.encode(noStream), capture(), ReasonCode.INVALID_FRAME);
        return kinds;
    }

    // ---- helpers

    private long capture() {
        return limits.nowMillis() - 60_000L + sequence * 40;
    }

    private void frame(String name, FrameEncoding encoding, int width, int height, byte[] payload, ReasonCode reason) {
        add(name, "cam-bad", codec.encode(frameOf(encoding, width, height, payload, capture())), capture(), reason);
    }

    private void add(String name, String key, byte[] value, long kafkaTimestamp, ReasonCode reason) {
        kinds.add(new Kind(name, key, value, kafkaTimestamp, reason));
        sequence++;
    }

    private Frame frameOf(FrameEncoding encoding, int width, int height, byte[] payload, long captureMillis) {
        return Frame.newBuilder().setStreamId("cam-bad").setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis)).setEncoding(encoding).setWidth(width)
                .setHeight(height).setPayload(ByteBuffer.wrap(payload)).setAttributes(Map.of("kind", "corpus")).build();
    }

    private byte[] evolved(Schema schema, String field, Object value) {
        GenericRecord record = new GenericData.Record(schema);
        Frame frame = frameOf(FrameEncoding.JPEG, 0, 0, jpeg, capture());
        for (Schema.Field f : Frame.getClassSchema().getFields()) {
            Object v = frame.get(f.pos());
            record.put(f.name(), v instanceof Instant i ? i.toEpochMilli()
                    : v instanceof FrameEncoding e ? new GenericData.EnumSymbol(f.schema(), e.name()) : v);
        }
        record.put(field, value);
        return single(schema, record);
    }

    private byte[] withoutWidth() {
        Schema current = Frame.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("width")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema schema = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        GenericRecord record = new GenericData.Record(schema);
        Frame frame = frameOf(FrameEncoding.JPEG, 0, 0, jpeg, capture());
        for (Schema.Field f : schema.getFields()) {
            Object v = frame.get(f.name());
            record.put(f.name(), v instanceof Instant i ? i.toEpochMilli()
                    : v instanceof FrameEncoding e ? new GenericData.EnumSymbol(f.schema(), e.name()) : v);
        }
        return single(schema, record);
    }

    private static byte[] single(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The encoded frame with its encoding enum index replaced: header (10), stream id (length varint +
     * bytes), sequence and capture time (varint longs), then the enum index (a zig-zag varint).
     */
    private static byte[] withEncodingIndex(byte[] encoded, int index) {
        ByteBuffer in = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
        int at = 10;
        long length = 0;
        int shift = 0;
        int b;
        do {
            b = encoded[at++] & 0xFF;
            length |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        at += (int) (length >>> 1 ^ -(length & 1));
        for (int longs = 0; longs < 2; longs++) {
            while ((encoded[at++] & 0x80) != 0) {
                // skip one varint
            }
        }
        byte[] out = encoded.clone();
        out[at] = (byte) (index << 1); // zig-zag of a small non-negative int, one byte
        return out;
    }

    private byte[] randomBytes(int length, byte first) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = first;
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private BufferedImage convert(int type) {
        return convert(type, 1);
    }

    private BufferedImage convert(int type, int shrink) {
        BufferedImage out = new BufferedImage(photo.getWidth() / shrink, photo.getHeight() / shrink, type);
        Graphics2D g = out.createGraphics();
        g.drawImage(photo, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    private BufferedImage palette() {
        byte[] levels = new byte[256];
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] bl = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
            r[i] = (byte) ((i >> 5) * 36);
            g[i] = (byte) (((i >> 2) & 7) * 36);
            bl[i] = (byte) ((i & 3) * 85);
        }
        IndexColorModel model = new IndexColorModel(8, 256, r, g, bl);
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, model);
        Graphics2D graphics = out.createGraphics();
        graphics.drawImage(photo, 0, 0, null);
        graphics.dispose();
        return out;
    }

    private BufferedImage scaled(int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(photo, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    private static byte[] rgb24(BufferedImage image) {
        byte[] out = new byte[image.getWidth() * image.getHeight() * 3];
        int i = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                out[i++] = (byte) (rgb >> 16);
                out[i++] = (byte) (rgb >> 8);
                out[i++] = (byte) rgb;
            }
        }
        return out;
    }

    /** The photo as CMYK samples (naive: K = 255 - max(R,G,B)) in a four-component JPEG without an Adobe marker. */
    private byte[] cmykJpeg() {
        BufferedImage rgb = scaled(photo.getWidth() / 2, photo.getHeight() / 2);
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, rgb.getWidth(), rgb.getHeight(), 4,
                new Point(0, 0));
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                int k = 255 - Math.max(r, Math.max(g, b));
                cmyk.setSample(x, y, 0, 255 - r - k);
                cmyk.setSample(x, y, 1, 255 - g - k);
                cmyk.setSample(x, y, 2, 255 - b - k);
                cmyk.setSample(x, y, 3, k);
            }
        }
        return writeJpeg(new IIOImage(cmyk, null, null));
    }

    private static byte[] jpegOf(BufferedImage image) {
        return writeJpeg(new IIOImage(image, null, null));
    }

    private static byte[] writeJpeg(IIOImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] pngOf(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for " + image);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
