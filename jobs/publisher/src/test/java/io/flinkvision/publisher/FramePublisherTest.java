package io.flinkvision.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The publisher's records, sequences, capture times, looping, stopping and failures, against a mock producer. */
class FramePublisherTest {
    private static final AvroCodec<Frame> CODEC = AvroCodec.of(Frame.class);

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final AtomicReference<Properties> producerConfig = new AtomicReference<>();

    private FramePublisher.Builder publisher(FrameSource source) {
        return FramePublisher.builder().bootstrapServers("broker:9092").topic("frames").source(source)
                .producerFactory(props -> {
                    producerConfig.set(props);
                    return producer;
                });
    }

    @Test
    void everyStreamGetsEveryFrameKeyedByItsIdWithItsOwnSequence() throws IOException {
        SyntheticSource source = new SyntheticSource(32, 24, 3, 3, 0.8f);
        long before = System.currentTimeMillis();
        PublishSummary summary = publisher(source).streams(2).fps(0).build().run();

        List<ProducerRecord<byte[], byte[]>> records = producer.history();
        assertThat(records).hasSize(6);
        List<EncodedFrame> expected = FrameSourceTest.readAll(source, 3);
        long firstCapture = decode(records.get(0)).getCaptureTime().toEpochMilli();
        assertThat(firstCapture).isBetween(before, System.currentTimeMillis());
        for (String stream : List.of("cam-0", "cam-1")) {
            List<ProducerRecord<byte[], byte[]>> ofStream = records.stream()
                    .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(stream)).toList();
            assertThat(ofStream).hasSize(3);
            for (int i = 0; i < 3; i++) {
                Frame frame = decode(ofStream.get(i));
                assertThat(ofStream.get(i).topic()).isEqualTo("frames");
                assertThat(frame.getStreamId()).isEqualTo(stream);
                assertThat(frame.getSequence()).isEqualTo(i);
                // fps 0: capture times still advance one 25 fps frame (40 ms) per frame.
                assertThat(frame.getCaptureTime().toEpochMilli()).isEqualTo(firstCapture + 40L * i);
                assertThat(ofStream.get(i).timestamp()).isEqualTo(frame.getCaptureTime().toEpochMilli());
                assertThat(frame.getWidth()).isEqualTo(32);
                assertThat(frame.getHeight()).isEqualTo(24);
                assertThat(bytes(frame)).isEqualTo(expected.get(i).payload());
                assertThat(frame.getAttributes()).containsEntry("syntheticFrame", Integer.toString(i));
            }
        }
        assertThat(summary.framesPerStream()).containsExactly(Map.entry("cam-0", 3L), Map.entry("cam-1", 3L));
        assertThat(summary.total()).isEqualTo(6);
        assertThat(summary.corrupt()).isZero();
        assertThat(summary.totalBytes()).isEqualTo(records.stream().mapToLong(r -> r.value().length).sum());
        assertThat(summary.stopped()).isFalse();
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void captureTimesAdvanceOneFrameIntervalAtTheTargetFps() throws IOException {
        publisher(new SyntheticSource(16, 16, 1)).fps(50).framesPerStream(4).build().run();

        List<Long> captures = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            captures.add(decode(record).getCaptureTime().toEpochMilli());
        }
        long first = captures.get(0);
        assertThat(captures).containsExactly(first, first + 20, first + 40, first + 60);
    }

    @Test
    void loopStartsTheSourceAgainUntilTheFramesPerStreamAreSent() throws IOException {
        PublishSummary summary = publisher(new SyntheticSource(16, 16, 1, 3, 0.8f))
                .fps(0).loop(true).framesPerStream(7).build().run();

        List<ProducerRecord<byte[], byte[]>> records = producer.history();
        assertThat(records).extracting(r -> decode(r).getSequence()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(bytes(decode(records.get(3)))).isEqualTo(bytes(decode(records.get(0))));
        assertThat(summary.framesPerStream()).containsExactly(Map.entry("cam-0", 7L));
    }

    @Test
    void withoutLoopTheRunEndsWithTheSource() throws IOException {
        PublishSummary summary = publisher(new SyntheticSource(16, 16, 1, 3, 0.8f))
                .streamPrefix("door-").fps(0).framesPerStream(10).build().run();

        assertThat(summary.framesPerStream()).containsExactly(Map.entry("door-0", 3L));
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("door-0");
    }

    @Test
    void zeroFramesPerStreamMeansTheSourceOnce() throws IOException {
        FramePublisher publisher = publisher(new SyntheticSource(16, 16, 1, 3, 0.8f)).framesPerStream(0).build();
        assertThat(publisher.sent()).isZero();
        PublishSummary summary = publisher.run();

        assertThat(summary.total()).isEqualTo(3);
        assertThat(publisher.sent()).isEqualTo(3);
    }

    @Test
    void injectedCorruptRecordsAlternateWithTheFirstFramesAndCount() throws IOException {
        PublishSummary summary = publisher(new SyntheticSource(16, 16, 1, 2, 0.8f)).streams(2).fps(0)
                .badFramesPerStream(3).build().run();

        List<ProducerRecord<byte[], byte[]>> cam0 = producer.history().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("cam-0")).toList();
        // frame 0, corrupt payload, frame 1, then the rest of the corrupt ones once the source ends.
        assertThat(cam0).hasSize(5);
        assertThat(decode(cam0.get(0)).getAttributes()).containsEntry("syntheticFrame", "0");
        Frame corruptPayload = decode(cam0.get(1));
        assertThat(corruptPayload.getSequence()).isEqualTo(1);
        assertThat(corruptPayload.getAttributes()).containsEntry("injected", "corrupt-payload");
        assertThat(ImageHeaders.sniff(bytes(corruptPayload))).isNull();
        assertThat(decode(cam0.get(2)).getAttributes()).containsEntry("syntheticFrame", "1");
        assertThatThrownBy(() -> CODEC.decode(cam0.get(3).value())).isInstanceOf(IOException.class);
        Frame empty = decode(cam0.get(4));
        assertThat(empty.getSequence()).isEqualTo(4);
        assertThat(empty.getPayload().remaining()).isZero();
        long firstCapture = decode(cam0.get(0)).getCaptureTime().toEpochMilli();
        assertThat(cam0.get(3).timestamp()).isEqualTo(firstCapture + 3 * 40);
        assertThat(summary.framesPerStream()).containsExactly(Map.entry("cam-0", 5L), Map.entry("cam-1", 5L));
        assertThat(summary.total()).isEqualTo(10);
        assertThat(summary.corrupt()).isEqualTo(6);
        assertThat(summary.describe()).contains("6 of them corrupt");
    }

    @Test
    void producerIsIdempotentWithAcksAllUncompressedAndLargeRequests() throws IOException {
        publisher(new SyntheticSource(16, 16, 1, 1, 0.8f)).maxRequestBytes(32 * 1024 * 1024)
                .producerProperty("security.protocol", "SSL").build().run();

        assertThat(producerConfig.get())
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("compression.type", "none")
                .containsEntry("max.request.size", Integer.toString(32 * 1024 * 1024))
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void stopEndsAnEndlessRunWithContiguousSequences() throws Exception {
        FramePublisher publisher = publisher(new SyntheticSource(16, 16, 1)).fps(200).loop(true).build();
        CompletableFuture<PublishSummary> run = CompletableFuture.supplyAsync(() -> runUnchecked(publisher));
        waitForRecords(5);
        publisher.stop();
        PublishSummary summary = run.get(10, TimeUnit.SECONDS);

        assertThat(summary.stopped()).isTrue();
        long sent = summary.framesPerStream().get("cam-0");
        assertThat(producer.history()).hasSize((int) sent)
                .extracting(r -> decode(r).getSequence())
                .isEqualTo(LongStream.range(0, sent).boxed().toList());
    }

    @ParameterizedTest(name = "fps {0}")
    @ValueSource(doubles = {0, 100})
    void anInterruptEndsTheRunAndStaysSet(double fps) throws Exception {
        FramePublisher publisher = publisher(new SyntheticSource(16, 16, 1)).fps(fps).build();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        AtomicReference<PublishSummary> summary = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            summary.set(runUnchecked(publisher));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        thread.start();
        waitForRecords(3);
        thread.interrupt();
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
        assertThat(interruptedAfter.get()).isTrue();
        assertThat(summary.get().stopped()).isTrue();
    }

    @Test
    void aFrameKafkaRefusesFailsTheRunWithWhatWasSent() {
        MockProducer<byte[], byte[]> refusing = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                if (history().size() < 2) {
                    return super.send(record, callback);
                }
                RecordTooLargeException error = new RecordTooLargeException("frame too large");
                callback.onCompletion(null, error);
                return CompletableFuture.failedFuture(error);
            }
        };
        FramePublisher publisher = FramePublisher.builder().bootstrapServers("broker:9092")
                .source(new SyntheticSource(16, 16, 1)).fps(0).producerFactory(props -> refusing).build();

        assertThatThrownBy(publisher::run).isInstanceOf(FramePublishException.class)
                .hasMessageContaining("frame too large")
                .satisfies(e -> assertThat(((FramePublishException) e).summary().total()).isEqualTo(2));
    }

    @Test
    void progressLinesCountFramesPerStream() throws IOException {
        List<String> lines = new CopyOnWriteArrayList<>();
        publisher(new SyntheticSource(16, 16, 1)).streams(2).fps(20).framesPerStream(8)
                .progressInterval(Duration.ofMillis(50)).progress(lines::add).build().run();

        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).contains("cam-0=").contains("cam-1=").contains("fps/stream")
                .contains("MB");
    }

    @Test
    void badSettingsAreRejectedWhenBuilt() {
        SyntheticSource source = new SyntheticSource(16, 16, 1);
        assertThatThrownBy(() -> publisher(source).streams(0).build()).hasMessageContaining("streams");
        assertThatThrownBy(() -> publisher(source).fps(-1).build()).hasMessageContaining("fps");
        assertThatThrownBy(() -> publisher(source).framesPerStream(-1).build()).hasMessageContaining("frames per stream");
        assertThatThrownBy(() -> publisher(source).badFramesPerStream(-1).build()).hasMessageContaining("bad frames");
        assertThatThrownBy(() -> FramePublisher.builder().source(source).build()).hasMessageContaining("bootstrap");
    }

    @Test
    void aPublisherRunsOnce() throws IOException {
        FramePublisher publisher = publisher(new SyntheticSource(16, 16, 1, 1, 0.8f)).build();
        publisher.run();
        assertThatThrownBy(publisher::run).isInstanceOf(IllegalStateException.class);
    }

    private void waitForRecords(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(producer.history()).as("records sent in time").hasSizeGreaterThanOrEqualTo(count);
    }

    private static PublishSummary runUnchecked(FramePublisher publisher) {
        try {
            return publisher.run();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Frame decode(ProducerRecord<byte[], byte[]> record) {
        try {
            return CODEC.decode(record.value());
        } catch (IOException e) {
            throw new AssertionError("not a Frame", e);
        }
    }

    private static byte[] bytes(Frame frame) {
        byte[] bytes = new byte[frame.getPayload().remaining()];
        frame.getPayload().duplicate().get(bytes);
        return bytes;
    }
}
