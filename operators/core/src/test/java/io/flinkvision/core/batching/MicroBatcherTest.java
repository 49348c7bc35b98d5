package io.flinkvision.core.batching;

import io.flinkvision.core.testing.ManualTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Size and time triggers, close and thread safety of {@link MicroBatcher}. */
class MicroBatcherTest {
    private final ManualTime time = new ManualTime();
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    private MicroBatcher<Integer> batcher(int maxBatchSize, long maxWaitMillis) {
        return new MicroBatcher<>(maxBatchSize, Duration.ofMillis(maxWaitMillis), time, time, batches::add);
    }

    @Test
    void handsOverABatchAsSoonAsItIsFull() {
        MicroBatcher<Integer> batcher = batcher(3, 50);
        for (int i = 0; i < 7; i++) {
            batcher.add(i);
        }
        assertThat(batches).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5));

        batcher.close();
        assertThat(batches).as("the 7th item waited alone for its batch").hasSize(3).last().isEqualTo(List.of(6));
    }

    @Test
    void handsOverAnUnfilledBatchWhenItsFirstItemHasWaitedMaxWait() {
        MicroBatcher<Integer> batcher = batcher(10, 5);
        batcher.add(1);
        time.advance(Duration.ofMillis(3));
        batcher.add(2);
        time.advance(Duration.ofMillis(1));
        assertThat(batches).isEmpty();

        time.advance(Duration.ofMillis(1));
        assertThat(batches).containsExactly(List.of(1, 2));

        batcher.close();
        assertThat(batches).as("nothing was left waiting").containsExactly(List.of(1, 2));
    }

    @Test
    void theTimerOfABatchThatFilledUpDoesNotCutTheNextBatchShort() {
        MicroBatcher<Integer> batcher = batcher(2, 5);
        batcher.add(1);
        batcher.add(2);
        assertThat(time.scheduled()).as("timer of the full batch is cancelled").isZero();
        time.advance(Duration.ofMillis(3));
        batcher.add(3);
        time.advance(Duration.ofMillis(2));
        assertThat(batches).containsExactly(List.of(1, 2));

        time.advance(Duration.ofMillis(3));
        assertThat(batches).containsExactly(List.of(1, 2), List.of(3));
    }

    @Test
    void anOverdueBatchIsHandedOverOnTheNextAddWhenTheTimerIsLate() {
        AtomicLong clock = new AtomicLong();
        FlushScheduler neverFires = (task, delay) -> () -> {};
        MicroBatcher<Integer> batcher =
                new MicroBatcher<>(10, Duration.ofMillis(5), clock::get, neverFires, batches::add);
        batcher.add(1);
        clock.set(TimeUnit.MILLISECONDS.toNanos(6));
        batcher.add(2);
        assertThat(batches).containsExactly(List.of(1));

        batcher.close();
        assertThat(batches).as("the second item started a batch of its own").containsExactly(List.of(1), List.of(2));
    }

    @Test
    void aTimerThatFiresEarlyWaitsOutTheRestInsteadOfHandingOverASmallBatch() {
        AtomicLong clock = new AtomicLong();
        List<Runnable> timers = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        FlushScheduler early = (task, delay) -> {
            timers.add(task);
            delays.add(delay);
            return () -> {};
        };
        MicroBatcher<Integer> batcher = new MicroBatcher<>(10, Duration.ofMillis(5), clock::get, early, batches::add);
        batcher.add(1);

        clock.set(TimeUnit.MILLISECONDS.toNanos(2));
        timers.get(0).run();
        assertThat(batches).isEmpty();
        assertThat(delays).containsExactly(TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(3));

        clock.set(TimeUnit.MILLISECONDS.toNanos(5));
        timers.get(1).run();
        assertThat(batches).containsExactly(List.of(1));
    }

    @Test
    void zeroMaxWaitHandsOverEveryItemAlone() {
        MicroBatcher<Integer> batcher = batcher(4, 0);
        batcher.add(1);
        batcher.add(2);
        assertThat(batches).containsExactly(List.of(1), List.of(2));
        assertThat(time.scheduled()).isZero();
    }

    @Test
    void closeHandsOverTheRemainderAndRefusesMoreItems() {
        MicroBatcher<Integer> batcher = batcher(4, 50);
        batcher.add(1);
        batcher.add(2);
        batcher.close();
        batcher.close();
        assertThat(batches).containsExactly(List.of(1, 2));
        assertThatThrownBy(() -> batcher.add(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        time.advance(Duration.ofMillis(100));
        assertThat(batches).hasSize(1);
    }

    @Test
    void batchesCannotBeChangedByTheConsumer() {
        MicroBatcher<Integer> batcher = batcher(1, 5);
        batcher.add(1);
        assertThatThrownBy(() -> batches.get(0).add(2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> batcher(0, 5)).hasMessageContaining("maxBatchSize must be >= 1");
        assertThatThrownBy(() -> batcher(2, -1)).hasMessageContaining("maxWait must be zero or positive");
    }

    @Test
    void everyItemAddedConcurrentlyIsHandedOverExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        ScheduledExecutorService timerThread = Executors.newSingleThreadScheduledExecutor();
        ExecutorService adders = Executors.newFixedThreadPool(threads);
        MicroBatcher<Integer> batcher = new MicroBatcher<>(7, Duration.ofMillis(1), System::nanoTime,
                FlushScheduler.on(timerThread), batches::add);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                running.add(adders.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        batcher.add(base + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            batcher.close();
        } finally {
            adders.shutdownNow();
            timerThread.shutdownNow();
        }

        List<Integer> all = new ArrayList<>();
        batches.forEach(all::addAll);
        Collections.sort(all);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            expected.add(i);
        }
        assertThat(all).isEqualTo(expected);
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 7));
    }
}
