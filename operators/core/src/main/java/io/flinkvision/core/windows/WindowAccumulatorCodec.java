package io.flinkvision.core.windows;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.IntCountsHistogram;

/**
 * The bytes of a {@link WindowAccumulator} in state, versioned so that state written by one
 * version of the job can be read by the next. Format {@value #CURRENT_FORMAT}:
 *
 * <pre>
 * long framesLabelled, long framesDeadLettered,
 * int labelCount, then per label: int utf8Length, utf8 bytes, long count, double scoreSum,
 * int histogramLength, the latency histogram in HdrHistogram's own (uncompressed) encoding,
 * int objectCount, then per detected class: int utf8Length, utf8 bytes, long detections, long frames,
 *     int maxPerFrame
 * </pre>
 *
 * Format 1 (before detection) is format 2 without the object counts at the end; it is still read
 * (as a window with no objects), so state of a job from before detection restores.
 *
 * HdrHistogram's encoding carries the histogram's range and precision, and writes runs of empty
 * buckets as one number, so it is small (tens of bytes for a few distinct latencies, ~2 KB for a
 * million spread over the whole range); its DEFLATE-compressed form saves ~15% more for a
 * compression per write, not worth it for state written on every checkpoint.
 *
 * <p>A codec keeps scratch buffers: not thread-safe, one per serializer.
 */
public final class WindowAccumulatorCodec {
    public static final int CURRENT_FORMAT = 2;

    private ByteBuffer histogramOut = ByteBuffer.allocate(0);
    private byte[] histogramIn = new byte[0];

    /** Whether this codec reads state in {@code format}. */
    public static boolean canRead(int format) {
        return format == 1 || format == 2;
    }

    /** Writes the accumulator in the current format. */
    public void write(WindowAccumulator accumulator, DataOutput out) throws IOException {
        out.writeLong(accumulator.getFramesLabelled());
        out.writeLong(accumulator.getFramesDeadLettered());
        Map<String, LabelTally> labels = accumulator.labelTallies();
        out.writeInt(labels.size());
        for (Map.Entry<String, LabelTally> label : labels.entrySet()) {
            byte[] utf8 = label.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
            out.writeLong(label.getValue().getCount());
            out.writeDouble(label.getValue().getScoreSum());
        }
        IntCountsHistogram histogram = accumulator.latencyHistogram();
        int capacity = histogram.getNeededByteBufferCapacity();
        if (histogramOut.capacity() < capacity) {
            histogramOut = ByteBuffer.allocate(capacity);
        }
        histogramOut.clear();
        int length = histogram.encodeIntoByteBuffer(histogramOut);
        out.writeInt(length);
        out.write(histogramOut.array(), 0, length);
        Map<String, ObjectTally> objects = accumulator.objectTallies();
        out.writeInt(objects.size());
        for (Map.Entry<String, ObjectTally> object : objects.entrySet()) {
            byte[] utf8 = object.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
            out.writeLong(object.getValue().detections());
            out.writeLong(object.getValue().frames());
            out.writeInt(object.getValue().maxPerFrame());
        }
    }

    /**
     * Reads an accumulator written in {@code format}.
     *
     * @throws IOException when the format is unknown or the bytes do not hold an accumulator
     */
    public WindowAccumulator read(DataInput in, int format) throws IOException {
        if (!canRead(format)) {
            throw new IOException("window accumulator format " + format + " is unknown; this job reads format "
                    + CURRENT_FORMAT + " (was the state written by a newer job?)");
        }
        long framesLabelled = in.readLong();
        long framesDeadLettered = in.readLong();
        int labelCount = checkedLength(in.readInt(), "label count");
        Map<String, LabelTally> labels = new HashMap<>(Math.max(16, labelCount * 2));
        for (int i = 0; i < labelCount; i++) {
            byte[] utf8 = new byte[checkedLength(in.readInt(), "label length")];
            in.readFully(utf8);
            labels.put(new String(utf8, StandardCharsets.UTF_8), new LabelTally(in.readLong(), in.readDouble()));
        }
        int length = checkedLength(in.readInt(), "histogram length");
        if (histogramIn.length < length) {
            histogramIn = new byte[length];
        }
        in.readFully(histogramIn, 0, length);
        IntCountsHistogram latencies;
        try {
            latencies = IntCountsHistogram.decodeFromByteBuffer(ByteBuffer.wrap(histogramIn, 0, length),
                    WindowAccumulator.MAX_TRACKED_LATENCY_MILLIS);
        } catch (RuntimeException e) {
            throw new IOException("the window accumulator's latency histogram cannot be decoded: " + e.getMessage(), e);
        }
        Map<String, ObjectTally> objects = new HashMap<>();
        if (format >= 2) {
            int objectCount = checkedLength(in.readInt(), "object count");
            for (int i = 0; i < objectCount; i++) {
                byte[] utf8 = new byte[checkedLength(in.readInt(), "object label length")];
                in.readFully(utf8);
                objects.put(new String(utf8, StandardCharsets.UTF_8),
                        new ObjectTally(in.readLong(), in.readLong(), in.readInt()));
            }
        }
        return new WindowAccumulator(framesLabelled, framesDeadLettered, labels, objects, latencies);
    }

    private static int checkedLength(int length, String what) throws IOException {
        if (length < 0) {
            throw new IOException("corrupt window accumulator: negative " + what + " " + length);
        }
        return length;
    }
}
