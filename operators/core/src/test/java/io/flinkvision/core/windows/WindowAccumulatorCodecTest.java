package io.flinkvision.core.windows;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.detected;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.schemas.ReasonCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.HdrHistogram.IntCountsHistogram;
import org.junit.jupiter.api.Test;

/** The accumulator's bytes in state: round trips, formats 1 and 2 as documented, and what it refuses. */
class WindowAccumulatorCodecTest {
    private final WindowAccumulatorCodec codec = new WindowAccumulatorCodec();

    private byte[] write(WindowAccumulator acc) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.write(acc, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private WindowAccumulator read(byte[] bytes, int format) throws IOException {
        return codec.read(new DataInputStream(new ByteArrayInputStream(bytes)), format);
    }

    @Test
    void roundTripsCountsTalliesAndLatencies() throws IOException {
        WindowAccumulator original = new WindowAccumulator();
        for (int i = 0; i < 50; i++) {
            original.add(outcome(labelled("s", i, 37L * i, i % 3 == 0 ? "chat" : "chien é", 0.5f)));
        }
        original.add(outcome(detected("s", 60, 5, "person", "personne é", "person")));
        original.add(outcome(deadLetter("s", 0, ReasonCode.EMPTY_PAYLOAD)));

        WindowAccumulator copy = read(write(original), WindowAccumulatorCodec.CURRENT_FORMAT);

        assertThat(copy).isEqualTo(original);
        assertThat(copy.getLabels()).containsOnlyKeys("chat", "chien é");
        assertThat(copy.getObjects()).containsOnlyKeys("person", "personne é");
        assertThat(copy.latencyMillisAt(95, -1)).isEqualTo(original.latencyMillisAt(95, -1));
        // One codec serves many accumulators: its scratch buffers must not leak between them.
        WindowAccumulator empty = read(write(new WindowAccumulator()), WindowAccumulatorCodec.CURRENT_FORMAT);
        assertThat(empty).isEqualTo(new WindowAccumulator());
        assertThat(read(write(original), WindowAccumulatorCodec.CURRENT_FORMAT)).isEqualTo(original);
    }

    @Test
    void readsFormatOneAsItsDocumentationDescribesIt() throws IOException {
        IntCountsHistogram latencies = new IntCountsHistogram(1, WindowAccumulator.MAX_TRACKED_LATENCY_MILLIS, 2);
        latencies.recordValue(120);
        latencies.recordValue(80);
        ByteBuffer histogram = ByteBuffer.allocate(latencies.getNeededByteBufferCapacity());
        int histogramLength = latencies.encodeIntoByteBuffer(histogram);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(2); // framesLabelled
        out.writeLong(5); // framesDeadLettered
        out.writeInt(1);
        byte[] label = "cat".getBytes(StandardCharsets.UTF_8);
        out.writeInt(label.length);
        out.write(label);
        out.writeLong(2);
        out.writeDouble(1.5);
        out.writeInt(histogramLength);
        out.write(histogram.array(), 0, histogramLength);

        WindowAccumulator acc = read(bytes.toByteArray(), 1);

        assertThat(acc.getFramesLabelled()).isEqualTo(2);
        assertThat(acc.getFramesDeadLettered()).isEqualTo(5);
        assertThat(acc.getLabels()).containsExactlyEntriesOf(Map.of("cat", new LabelTally(2, 1.5)));
        assertThat(acc.latencyMillisAt(50, -1)).isEqualTo(80);
        assertThat(acc.latencyMillisAt(100, -1)).isEqualTo(120);
        assertThat(acc.getObjects()).as("format 1 predates detection").isEmpty();
        // Written back in format 2: the same bytes, then an empty list of object counts.
        ByteArrayOutputStream format2 = new ByteArrayOutputStream();
        format2.write(bytes.toByteArray());
        new DataOutputStream(format2).writeInt(0);
        assertThat(write(acc)).isEqualTo(format2.toByteArray());
    }

    @Test
    void formatTwoAppendsThePerClassObjectCounts() throws IOException {
        WindowAccumulator acc = new WindowAccumulator();
        acc.add(outcome(detected("s", 0, 10, "person", "person", "tie")));
        byte[] written = write(acc);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(written));
        in.readLong();
        in.readLong();
        assertThat(in.readInt()).as("no top-1 labels").isZero();
        in.skipBytes(in.readInt()); // the latency histogram
        assertThat(in.readInt()).as("object classes").isEqualTo(2);
        Map<String, long[]> objects = new java.util.HashMap<>();
        for (int i = 0; i < 2; i++) {
            byte[] label = new byte[in.readInt()];
            in.readFully(label);
            objects.put(new String(label, StandardCharsets.UTF_8), new long[] {in.readLong(), in.readLong(), in.readInt()});
        }
        assertThat(in.available()).isZero();
        assertThat(objects.get("person")).containsExactly(2, 1, 2);
        assertThat(objects.get("tie")).containsExactly(1, 1, 1);
        assertThat(read(written, 2)).isEqualTo(acc);
    }

    @Test
    void refusesAnUnknownFormatAndCorruptBytes() throws IOException {
        byte[] valid = write(new WindowAccumulator());
        assertThatThrownBy(() -> read(valid, 3)).isInstanceOf(IOException.class).hasMessageContaining("format 3 is unknown");
        assertThat(WindowAccumulatorCodec.canRead(1)).isTrue();
        assertThat(WindowAccumulatorCodec.canRead(2)).isTrue();
        assertThat(WindowAccumulatorCodec.canRead(3)).isFalse();

        byte[] corrupt = valid.clone();
        corrupt[16] = (byte) 0xFF; // the label count's sign bit
        assertThatThrownBy(() -> read(corrupt, 1)).isInstanceOf(IOException.class).hasMessageContaining("negative label count");
    }
}
