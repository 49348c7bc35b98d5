package io.flinkvision.tests.clusterjob;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A tiny unbounded job for FlinkProcessClusterITCase, shipped to the cluster in a jar the test writes
 * (this package only; the cluster's classpath has Flink, not this class). Numbers at {@code --rate}
 * per second, keyed, counted in keyed state, discarded. Its metrics say it runs ({@code countedTicks})
 * and whether it started from a savepoint ({@code restoredFromSavepoint}).
 */
public final class CountingJob {
    private CountingJob() {}

    public static void main(String[] args) throws Exception {
        double rate = args.length == 2 && args[0].equals("--rate") ? Double.parseDouble(args[1]) : 20;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<Long> ticks = new DataGeneratorSource<>(index -> index, Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(rate), Types.LONG);
        env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "ticks").uid("ticks")
                .keyBy(tick -> tick % 16)
                .map(new CountPerKey()).uid("count-per-key").name("count-per-key")
                .sinkTo(new DiscardingSink<>()).uid("discard");
        env.execute("flink-vision counting job");
    }

    /** Counts ticks per key; the count is the state a savepoint carries. */
    static final class CountPerKey extends RichMapFunction<Long, Long> implements CheckpointedFunction {
        private transient ValueState<Long> count;
        private transient boolean restored;
        private transient Counter countedTicks;

        @Override
        public void initializeState(FunctionInitializationContext context) {
            restored = context.isRestored();
            count = context.getKeyedStateStore().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void open(OpenContext openContext) {
            countedTicks = getRuntimeContext().getMetricGroup().counter("countedTicks");
            getRuntimeContext().getMetricGroup().gauge("restoredFromSavepoint", () -> restored ? 1 : 0);
        }

        @Override
        public Long map(Long tick) throws Exception {
            long next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            countedTicks.inc();
            return next;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            // Keyed state is snapshotted by Flink; nothing of its own.
        }
    }
}
