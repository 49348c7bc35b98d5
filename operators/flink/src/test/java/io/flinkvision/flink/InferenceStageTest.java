package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.core.testing.Frames;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** How {@link InferenceStage} wires and sizes the async operator (no job is run). */
class InferenceStageTest {
    private final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    private final DataStream<FrameEnvelope> in =
            env.fromData(List.of(Frames.envelope(0)), new AvroTypeInfo<>(FrameEnvelope.class));

    private static BatchingInferenceFunction function(int batchSize, long waitMillis, int inFlight) {
        return new BatchingInferenceFunction(RunnerOptions.cpu(1),
                new FakePipelineFactory(new PipelineSettings(batchSize, waitMillis, 1, inFlight, 1_000)));
    }

    @Test
    void addsAnAvroTypedOperatorWithAStableUid() {
        SingleOutputStreamOperator<FrameOutcome> out = InferenceStage.apply(in, function(2, 5, 2), false, 60_000, 6);

        assertThat(out.getTransformation().getUid()).isEqualTo("inference");
        assertThat(out.getName()).isEqualTo(InferenceStage.NAME);
        assertThat(out.getType()).isEqualTo(new AvroTypeInfo<>(FrameOutcome.class));
    }

    @Test
    void refusesACapacityThatCanNeverFillABatchAndSaysWhatToRaise() {
        assertThatThrownBy(() -> InferenceStage.apply(in, function(4, 5, 2), true, 60_000, 11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("async-capacity 11")
                .hasMessageContaining("at least 12");
        assertThat(InferenceStage.apply(in, function(4, 5, 2), true, 60_000, 12)).isNotNull();
    }

    @Test
    void refusesATimeoutNoLongerThanTheBatchWait() {
        assertThatThrownBy(() -> InferenceStage.apply(in, function(2, 50, 1), true, 50, 32))
                .hasMessageContaining("async-timeout 50 ms must be longer than batch-wait 50 ms");
    }
}
