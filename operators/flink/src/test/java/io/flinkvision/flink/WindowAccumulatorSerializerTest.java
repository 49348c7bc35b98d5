package io.flinkvision.flink;

import static io.flinkvision.core.testing.OutcomeFixtures.deadLetter;
import static io.flinkvision.core.testing.OutcomeFixtures.labelled;
import static io.flinkvision.core.testing.OutcomeFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.windows.LabelTally;
import io.flinkvision.core.windows.WindowAccumulator;
import io.flinkvision.schemas.ReasonCode;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The window accumulator is a Flink POJO: serialized without Kryo, and round-trips intact. */
class WindowAccumulatorSerializerTest {

    @Test
    void flinkAnalysesTheAccumulatorAsAPojo() {
        assertThat(OutcomeCountsAggregate.ACCUMULATOR_TYPE).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(LabelTally.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(serializer(OutcomeCountsAggregate.ACCUMULATOR_TYPE)).isInstanceOf(PojoSerializer.class);
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

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(original, out);
        WindowAccumulator copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(copy.getFramesLabelled()).isEqualTo(11);
        assertThat(copy.getFramesDeadLettered()).isEqualTo(1);
        assertThat(copy.getLabels()).isEqualTo(original.getLabels());
        assertThat(copy.latencies()).containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
        // A restored accumulator keeps accumulating.
        copy.add(outcome(labelled("s", 0, 5, "cat", 0.5f)));
        assertThat(copy.latencies()).hasSize(12).endsWith(5L);
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
