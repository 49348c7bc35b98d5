package io.flinkvision.publisher;

import io.flinkvision.schemas.AvroCodec;
import io.flinkvision.schemas.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes the frames of a {@link FrameSource} as Avro {@link Frame}s to a Kafka topic, as if
 * {@code streams} cameras filmed them: every stream gets every frame, keyed by its stream id, with
 * its own sequence from 0. Capture times come from a simulated clock that starts when the run
 * starts and advances one frame interval per frame, so event time stays regular even when sending
 * lags. Sends are paced to the target fps (0: as fast as Kafka takes them). Optionally each stream
 * also gets corrupt records among its frames ({@link CorruptRecords}), to show the dead-letter path.
 *
 * <p>{@link #run()} blocks; {@link #stop()} or interrupting the running thread ends it early, after
 * the frames already handed to the producer are sent. One run per instance.
 */
public final class FramePublisher {
    public static final String DEFAULT_TOPIC = "frames";
    public static final String DEFAULT_STREAM_PREFIX = "cam-";
    /**
     * Largest record the producer sends: the job's default {@code --max-frame-bytes} (8 MiB; a 4K JPEG
     * frame fits), so that by default nothing is published that the job would refuse as TOO_LARGE.
     */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
    /** Capture-time step when publishing as fast as possible (fps 0): 25 fps of event time. */
    public static final Duration DEFAULT_UNPACED_FRAME_INTERVAL = Duration.ofMillis(40);

    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Properties producerConfig;
    private final Function<Properties, Producer<byte[], byte[]>> producerFactory;
    private final String topic;
    private final FrameSource source;
    private final List<String> streamIds;
    private final double fps;
    private final long framesPerStream;
    private final int badFramesPerStream;
    private final boolean loop;
    private final double frameIntervalMillis;
    private final Consumer<String> progress;
    private final Duration progressInterval;

    private final AvroCodec<Frame> codec = AvroCodec.of(Frame.class);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile Counters counters;

    private FramePublisher(Builder b) {
        this.producerConfig = b.producerConfig();
        this.producerFactory = b.producerFactory;
        this.topic = b.topic;
        this.source = b.source;
        this.streamIds = b.streamIds();
        this.fps = b.fps;
        this.framesPerStream = b.framesPerStream == 0 ? Long.MAX_VALUE : b.framesPerStream;
        this.badFramesPerStream = b.badFramesPerStream;
        this.loop = b.loop;
        this.frameIntervalMillis = b.fps > 0 ? 1000.0 / b.fps : b.unpacedFrameInterval.toNanos() / 1e6;
        this.progress = b.progress;
        this.progressInterval = b.progressInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The stream ids (Kafka keys), e.g. cam-0, cam-1. */
    public List<String> streamIds() {
        return streamIds;
    }

    /** The producer settings this publisher uses (a copy). */
    public Properties producerConfig() {
        Properties copy = new Properties();
        copy.putAll(producerConfig);
        return copy;
    }

    /** Records acknowledged so far, all streams (0 before {@link #run()}); callable from any thread. */
    public long sent() {
        Counters current = counters;
        return current == null ? 0 : current.totalFrames();
    }

    /** Asks a running {@link #run()} to end after the current frame; callable from any thread. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Publishes until the frames per stream are sent, the source ends (without loop), or
     * {@link #stop()}. An interrupt also ends the run; the thread's interrupt flag stays set.
     *
     * @throws IOException if the source cannot be read
     * @throws FramePublishException if Kafka does not take a frame (the run stops at the first)
     */
    public PublishSummary run() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a FramePublisher runs once");
        }
        Counters counters = new Counters(streamIds.size());
        this.counters = counters;
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        ScheduledExecutorService reporter = startProgress(counters, startNanos);
        boolean interrupted = false;
        Producer<byte[], byte[]> producer = producerFactory.apply(producerConfig());
        try {
            interrupted = publish(producer, counters, startNanos, startMillis);
        } finally {
            // close() sends what was handed over already; it must not see the interrupt flag.
            interrupted |= Thread.interrupted();
            try {
                producer.close(Duration.ofSeconds(30));
            } finally {
                reporter.shutdownNow();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        PublishSummary summary = counters.summary(streamIds, System.nanoTime() - startNanos, stopRequested || interrupted);
        Throwable failure = counters.failure.get();
        if (failure != null) {
            throw new FramePublishException("Kafka at " + producerConfig.getProperty(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + " did not take a frame for topic " + topic + ": "
                    + failure, failure, summary);
        }
        return summary;
    }

    /** @return whether the run was interrupted */
    private boolean publish(Producer<byte[], byte[]> producer, Counters counters, long startNanos, long startMillis)
            throws IOException {
        FrameSource.FrameReader reader = source.open();
        try {
            long good = 0;
            long bad = 0;
            long sequence = 0;
            boolean sourceDone = false;
            boolean passHasFrames = false;
            while (!stopRequested && counters.failure.get() == null) {
                boolean wantGood = !sourceDone && good < framesPerStream;
                boolean wantBad = bad < badFramesPerStream;
                if (!wantGood && !wantBad) {
                    break;
                }
                EncodedFrame frame = null;
                // Corrupt records alternate with the first frames, so dead letters show early.
                if (wantGood && !(wantBad && bad < good)) {
                    frame = reader.next();
                    if (frame == null && loop && passHasFrames) {
                        reader.close();
                        reader = source.open();
                        passHasFrames = false;
                        frame = reader.next();
                    }
                    if (frame == null) {
                        sourceDone = true;
                        continue;
                    }
                    passHasFrames = true;
                }
                // Checked here too: unpaced or lagging runs never sleep, so never see an interrupt there.
                if (Thread.currentThread().isInterrupted()
                        || (fps > 0 && !sleepUntil(startNanos + Math.round(sequence * 1e9 / fps)))) {
                    return Thread.currentThread().isInterrupted();
                }
                long captureMillis = startMillis + Math.round(sequence * frameIntervalMillis);
                for (int s = 0; s < streamIds.size(); s++) {
                    String streamId = streamIds.get(s);
                    byte[] value = frame != null
                            ? codec.encode(frame(streamId, sequence, captureMillis, frame))
                            : CorruptRecords.value(bad, streamId, sequence, captureMillis, codec);
                    try {
                        send(producer, counters, s, captureMillis, value, frame == null);
                    } catch (InterruptException e) {
                        return true;
                    }
                }
                if (frame == null) {
                    bad++;
                } else {
                    good++;
                }
                sequence++;
            }
            return false;
        } finally {
            reader.close();
        }
    }

    private static Frame frame(String streamId, long sequence, long captureMillis, EncodedFrame frame) {
        return Frame.newBuilder()
                .setStreamId(streamId)
                .setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis))
                .setEncoding(frame.encoding())
                .setWidth(frame.width())
                .setHeight(frame.height())
                .setPayload(ByteBuffer.wrap(frame.payload()))
                .setAttributes(frame.attributes())
                .build();
    }

    private void send(Producer<byte[], byte[]> producer, Counters counters, int stream, long captureMillis,
            byte[] value, boolean corrupt) {
        // Record timestamp = capture time, so Kafka's time index and the frames' event time agree.
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, null, captureMillis, streamIds.get(stream).getBytes(StandardCharsets.UTF_8), value);
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                counters.frames.incrementAndGet(stream);
                counters.bytes.addAndGet(value.length);
                if (corrupt) {
                    counters.corrupt.incrementAndGet();
                }
            } else {
                counters.failure.compareAndSet(null, error);
            }
        });
    }

    /** @return false if interrupted (or stopped) before the deadline */
    private boolean sleepUntil(long deadlineNanos) {
        long remaining;
        // Short naps: a stop() must not wait for the next frame of a 0.1 fps stream.
        while ((remaining = deadlineNanos - System.nanoTime()) > 0 && !stopRequested) {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(remaining, MAX_SLEEP_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopRequested;
    }

    private ScheduledExecutorService startProgress(Counters counters, long startNanos) {
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "frame-publisher-progress");
            t.setDaemon(true);
            return t;
        });
        if (progress != null) {
            long periodNanos = progressInterval.toNanos();
            long[] last = {0, startNanos};
            reporter.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                long total = counters.totalFrames();
                double fpsPerStream = (total - last[0]) / ((now - last[1]) / 1e9) / streamIds.size();
                last[0] = total;
                last[1] = now;
                progress.accept(progressLine(counters, now - startNanos, fpsPerStream));
            }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        }
        return reporter;
    }

    private String progressLine(Counters counters, long elapsedNanos, double fpsPerStream) {
        StringBuilder frames = new StringBuilder();
        if (streamIds.size() <= 4) {
            for (int s = 0; s < streamIds.size(); s++) {
                frames.append(s == 0 ? "" : " ").append(streamIds.get(s)).append('=').append(counters.frames.get(s));
            }
        } else {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int s = 0; s < streamIds.size(); s++) {
                min = Math.min(min, counters.frames.get(s));
                max = Math.max(max, counters.frames.get(s));
            }
            frames.append(streamIds.size()).append(" streams x ").append(min).append("..").append(max);
        }
        return String.format(Locale.ROOT, "[%6.1f s] frames %s | %.1f fps/stream | %.1f MB",
                elapsedNanos / 1e9, frames, fpsPerStream, counters.bytes.get() / 1e6);
    }

    /** Acknowledged frames and bytes; updated on the producer's I/O thread. */
    private static final class Counters {
        final AtomicLongArray frames;
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong corrupt = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Counters(int streams) {
            frames = new AtomicLongArray(streams);
        }

        long totalFrames() {
            long total = 0;
            for (int s = 0; s < frames.length(); s++) {
                total += frames.get(s);
            }
            return total;
        }

        PublishSummary summary(List<String> streamIds, long elapsedNanos, boolean stopped) {
            Map<String, Long> perStream = new LinkedHashMap<>();
            for (int s = 0; s < streamIds.size(); s++) {
                perStream.put(streamIds.get(s), frames.get(s));
            }
            return new PublishSummary(perStream, totalFrames(), corrupt.get(), bytes.get(),
                    Duration.ofNanos(elapsedNanos), stopped);
        }
    }

    /** Settings of a {@link FramePublisher}; only the bootstrap servers and the source are required. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private FrameSource source;
        private int streams = 1;
        private String streamPrefix = DEFAULT_STREAM_PREFIX;
        private double fps;
        private long framesPerStream;
        private int badFramesPerStream;
        private boolean loop;
        private Duration unpacedFrameInterval = DEFAULT_UNPACED_FRAME_INTERVAL;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private final Properties clientProperties = new Properties();
        private Consumer<String> progress;
        private Duration progressInterval = Duration.ofSeconds(1);
        private Function<Properties, Producer<byte[], byte[]>> producerFactory =
                props -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());

        private Builder() {}

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Default {@value FramePublisher#DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder source(FrameSource source) {
            this.source = source;
            return this;
        }

        /** How many streams publish the source's frames; default 1. */
        public Builder streams(int streams) {
            this.streams = streams;
            return this;
        }

        /** Stream ids are this plus 0, 1, ...; default {@value FramePublisher#DEFAULT_STREAM_PREFIX}. */
        public Builder streamPrefix(String streamPrefix) {
            this.streamPrefix = streamPrefix;
            return this;
        }

        /** Frames per second per stream; 0 (default) = as fast as possible. */
        public Builder fps(double fps) {
            this.fps = fps;
            return this;
        }

        /** Stop after this many frames per stream; 0 (default): when the source ends (never with loop). */
        public Builder framesPerStream(long framesPerStream) {
            this.framesPerStream = framesPerStream;
            return this;
        }

        /**
         * Corrupt records per stream, on top of the frames, to show dead letters; default 0. Each
         * takes a sequence number and a frame interval of its own.
         */
        public Builder badFramesPerStream(int badFramesPerStream) {
            this.badFramesPerStream = badFramesPerStream;
            return this;
        }

        /** Start the source again when it ends; default false. */
        public Builder loop(boolean loop) {
            this.loop = loop;
            return this;
        }

        /** Capture-time step between frames when fps is 0; default 40 ms. */
        public Builder unpacedFrameInterval(Duration interval) {
            this.unpacedFrameInterval = interval;
            return this;
        }

        /** Largest record (max.request.size); default 8 MiB, the job's default --max-frame-bytes. */
        public Builder maxRequestBytes(int maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /** A Kafka producer setting (SASL, SSL...); wins over this publisher's defaults. */
        public Builder producerProperty(String name, String value) {
            clientProperties.setProperty(name, value);
            return this;
        }

        /** Receives a progress line every interval, on a background thread; default none. */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        /** Default 1 s. */
        public Builder progressInterval(Duration progressInterval) {
            this.progressInterval = progressInterval;
            return this;
        }

        /** For tests: a producer that is not a KafkaProducer. */
        Builder producerFactory(Function<Properties, Producer<byte[], byte[]>> producerFactory) {
            this.producerFactory = producerFactory;
            return this;
        }

        /** @throws IllegalArgumentException naming the bad setting */
        public FramePublisher build() {
            require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap servers are required");
            require(topic != null && !topic.isBlank(), "a topic is required");
            Objects.requireNonNull(source, "source");
            require(streams >= 1, "streams must be at least 1, got " + streams);
            require(streamPrefix != null, "stream prefix must not be null");
            require(fps >= 0 && Double.isFinite(fps), "fps must be 0 (unpaced) or positive, got " + fps);
            require(framesPerStream >= 0, "frames per stream must be 0 (the source once) or more, got "
                    + framesPerStream);
            require(badFramesPerStream >= 0, "bad frames per stream must not be negative, got " + badFramesPerStream);
            require(unpacedFrameInterval != null && !unpacedFrameInterval.isNegative(),
                    "unpaced frame interval must not be negative");
            require(maxRequestBytes >= 1024, "max request bytes must be at least 1024, got " + maxRequestBytes);
            require(progressInterval != null && !progressInterval.isNegative() && !progressInterval.isZero(),
                    "progress interval must be positive");
            return new FramePublisher(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }

        private List<String> streamIds() {
            List<String> ids = new ArrayList<>(streams);
            for (int s = 0; s < streams; s++) {
                ids.add(streamPrefix + s);
            }
            return List.copyOf(ids);
        }

        private Properties producerConfig() {
            Properties props = new Properties();
            props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "flink-vision-publisher");
            props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            // JPEG and PNG are compressed already: compressing again costs CPU for nothing.
            props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
            props.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
            // Room for a few dozen large frames in flight before send() blocks.
            props.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG,
                    Long.toString(Math.max(64L * 1024 * 1024, 4L * maxRequestBytes)));
            props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
            // A wrong --bootstrap-servers should fail sooner than the default minute.
            props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
            props.putAll(clientProperties);
            return props;
        }
    }
}
