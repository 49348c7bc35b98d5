package io.flinkvision.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.core.testing.Frames;
import io.flinkvision.core.pipeline.PipelineSettings;
import io.flinkvision.core.runtime.RunnerOptions;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The inference stage in a real (local) job: serialized function, Avro types, every record out. */
class InferenceStageITCase {

    @Test
    void everyRecordComesOutOnceAsALabelledFrameOrADeadLetter() throws Exception {
        FakePipelineFactory.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<FrameEnvelope> input = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            input.add(Frames.envelope(i));
        }
        input.add(Frames.notAFrame(500, "cam-x", new byte[] {42}));
        BatchingInferenceFunction fn = new BatchingInferenceFunction(
                RunnerOptions.cpu(1), new FakePipelineFactory(new PipelineSettings(4, 5, 2, 2, 1_000_000)));

        List<FrameOutcome> outcomes = InferenceStage.apply(
                        env.fromData(input, new AvroTypeInfo<>(FrameEnvelope.class)), fn, false, 60_000, 12)
                .executeAndCollect(100);

        assertThat(outcomes).hasSize(21);
        assertThat(outcomes).filteredOn(o -> o.getLabelled() != null)
                .extracting(o -> o.getLabelled().getSequence())
                .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L,
                        17L, 18L, 19L);
        assertThat(outcomes).filteredOn(o -> o.getDeadLetter() != null).singleElement()
                .satisfies(o -> assertThat(o.getDeadLetter().getReason()).isEqualTo(ReasonCode.NOT_A_FRAME));
        assertThat(FakePipelineFactory.EVENTS).hasSize(2).containsOnly("resources closed after the pipeline");
    }
}
