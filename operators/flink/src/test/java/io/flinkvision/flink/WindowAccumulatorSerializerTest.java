package io.flinkvision.flink;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.windows.WindowAccumulator;
import io.flinkvision.core.windows.WindowAccumulatorCodec;
import io.flinkvision.schemas.ReasonCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The window accumulator has a serializer of its own: no Kryo, round-trips intact, stays small
 * however many latencies it holds, and records its format so that later jobs can restore it.
 */
class WindowAccumulatorSerializerTest {

    @Test
    void flinkSerializesTheAccumulatorWithItsOwnSerializer() {
        assertThat(OutcomeCountsAggregate.ACCUMULATOR_TYPE).isInstanceOf(WindowAccumulatorTypeInfo.class);
        assertThat(serializer(OutcomeCountsAggregate.ACCUMULATOR_TYPE)).isInstanceOf(WindowAccumulatorSerializer.class);
    }

    @Test
    void withGenericTypesDisabledAKryoFallbackWouldBeRefused() {
        // The control for the test above: a class Flink cannot analyse needs Kryo, and is refused.
        TypeInformation<NotAPojo> generic = TypeInformation.of(NotAPojo.class);

        assertThatThrownBy(() -> serializer(generic)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void roundTripsCountsTalliesAndLatencies() throws Exception {
        WindowAccumulator original = new WindowAccumulator();
        for (int i = 0; i < 11; i++) {
            original.add(outcome(labelled("s", i, 10L * i, i % 3 == 0 ? "cat" : "dog", 0.5f)));
        }
        original.add(outcome(deadLetter("s", 0, ReasonCode.EMPTY_PAYLOAD)));
        TypeSerializer<WindowAccumulator> serializer = serializer(OutcomeCountsAggregate.ACCUMULATOR_TYPE);

        WindowAccumulator copy = roundTrip(serializer, original);

        assertThat(copy).isEqualTo(original).isNotSameAs(original);
        assertThat(copy.getFramesLabelled()).isEqualTo(11);
        assertThat(copy.getFramesDeadLettered()).isEqualTo(1);
        assertThat(copy.getLabels()).isEqualTo(original.getLabels());
        assertThat(copy.latencyCount()).isEqualTo(11);
        // Latencies 0, 10, ..., 100: nearest rank, exact below 256 ms.
        assertThat(copy.latencyMillisAt(50, -1)).isEqualTo(50);
        assertThat(copy.latencyMillisAt(100, -1)).isEqualTo(100);
        // A restored accumulator keeps accumulating.
        copy.add(outcome(labelled("s", 0, 5, "cat", 0.5f)));
        assertThat(copy.latencyCount()).isEqualTo(12);
        assertThat(copy.latencyMillisAt(1, -1)).isZero();
        assertThat(original.latencyCount()).isEqualTo(11);
    }

    @Test
    void copiesAreDeepAndDuplicatesAreIndependentEqualSerializers() {
        TypeSerializer<WindowAccumulator> serializer = new WindowAccumulatorSerializer();
        WindowAccumulator original = new WindowAccumulator().add(outcome(labelled("s", 0, 5, "cat", 0.5f)));

        WindowAccumulator copy = serializer.copy(original);
        copy.add(outcome(labelled("s", 0, 7, "cat", 0.5f)));

        assertThat(original.latencyCount()).isEqualTo(1);
        assertThat(original.getLabels().get("cat").getCount()).isEqualTo(1);
        assertThat(serializer.duplicate()).isEqualTo(serializer).isNotSameAs(serializer);
        assertThat(serializer.isImmutableType()).isFalse();
    }

    @Test
    void stateStaysSmallWhateverTheNumberOfLatencies() throws Exception {
        TypeSerializer<WindowAccumulator> serializer = new WindowAccumulatorSerializer();
        Random random = new Random(3);
        WindowAccumulator acc = new WindowAccumulator();
        List<Integer> sizes = new ArrayList<>();
        for (int n = 1; n <= 1_000_000; n++) {
            acc.add(outcome(labelled("s", 1_000, (long) Math.exp(random.nextGaussian() * 1.5 + 5), "cat", 0.5f)));
            if (n == 1_000 || n == 100_000 || n == 1_000_000) {
                sizes.add(serializedSize(serializer, acc));
            }
        }

        // Bounded by the histogram's buckets (about 2 KB here), not by the samples (8 MB as longs).
        assertThat(sizes).hasSize(3).allSatisfy(size -> assertThat(size).isPositive().isLessThan(4_096));
        assertThat(roundTrip(serializer, acc)).isEqualTo(acc);
    }

    @Test
    void theSnapshotRecordsTheFormatAndRestoresASerializerThatReadsIt() throws Exception {
        WindowAccumulatorSerializer serializer = new WindowAccumulatorSerializer();
        WindowAccumulator acc = new WindowAccumulator().add(outcome(labelled("s", 0, 42, "cat", 0.5f)));
        DataOutputSerializer state = new DataOutputSerializer(64);
        serializer.serialize(acc, state);

        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<WindowAccumulator> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(restored).isInstanceOf(WindowAccumulatorSerializerSnapshot.class);
        TypeSerializer<WindowAccumulator> reader = restored.restoreSerializer();
        assertThat(reader).isEqualTo(serializer);
        assertThat(reader.deserialize(new DataInputDeserializer(state.getCopyOfBuffer()))).isEqualTo(acc);
        TypeSerializerSchemaCompatibility<WindowAccumulator> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    @Test
    void stateOfAnotherSerializerOrOfAnUnknownFormatIsRefused() throws Exception {
        @SuppressWarnings("unchecked")
        TypeSerializerSnapshot<WindowAccumulator> foreign =
                (TypeSerializerSnapshot<WindowAccumulator>) (TypeSerializerSnapshot<?>) serializer(Types.STRING)
                        .snapshotConfiguration();
        assertThat(new WindowAccumulatorSerializerSnapshot().resolveSchemaCompatibility(foreign).isIncompatible())
                .isTrue();

        DataOutputSerializer future = new DataOutputSerializer(8);
        future.writeInt(WindowAccumulatorCodec.CURRENT_FORMAT + 1);
        assertThatThrownBy(() -> new WindowAccumulatorSerializerSnapshot().readSnapshot(1,
                        new DataInputDeserializer(future.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format " + (WindowAccumulatorCodec.CURRENT_FORMAT + 1))
                .hasMessageContaining("at least as new");
    }

    private static WindowAccumulator roundTrip(TypeSerializer<WindowAccumulator> serializer, WindowAccumulator acc)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(acc, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static int serializedSize(TypeSerializer<WindowAccumulator> serializer, WindowAccumulator acc)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(acc, out);
        return out.length();
    }

    private static <T> TypeSerializer<T> serializer(TypeInformation<T> type) {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return type.createSerializer(config);
    }

    /** No public no-arg constructor and no setters: not a POJO to Flink. */
    static final class NotAPojo {
        private final long value;

        NotAPojo(long value) {
            this.value = value;
        }

        long value() {
            return value;
        }
    }
}
