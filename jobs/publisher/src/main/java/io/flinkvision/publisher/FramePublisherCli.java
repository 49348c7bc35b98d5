package io.flinkvision.publisher;

import io.flinkvision.schemas.Frame;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Command line of the {@link FramePublisher}: publishes a folder of images, a video file or
 * synthetic frames to Kafka as N simulated cameras. Progress goes to stderr, the summary to stdout.
 * Exit codes: 0 done, 1 Kafka or the input failed, 2 bad flags or missing input.
 */
@Command(name = "publish", sortOptions = false, usageHelpAutoWidth = true,
        resourceBundle = "io.flinkvision.publisher.version",
        version = "flink-vision frame publisher ${bundle:flink-vision.version}",
        description = "Publishes frames to Kafka as Avro Frames keyed by stream id, as N simulated cameras.",
        footerHeading = "%nKafka producer settings:%n",
        footer = "      --kafka.NAME=VALUE     any producer setting, e.g. --kafka.security.protocol SSL")
public final class FramePublisherCli implements Callable<Integer> {
    static final int EXIT_OK = CliConventions.EXIT_OK;
    static final int EXIT_FAILED = CliConventions.EXIT_FAILED;
    static final int EXIT_USAGE = CliConventions.EXIT_USAGE;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Input input;

    /** Exactly one of a folder or video file, or a synthetic size. */
    static final class Input {
        @Option(names = "--input", paramLabel = "PATH", description = {
            "folder: its .jpg/.jpeg/.png files sorted by name, sent as they are;",
            "file: a video, each frame re-encoded as JPEG"})
        private Path path;

        @Option(names = "--synthetic", paramLabel = "WxH", converter = FrameSizeConverter.class,
                description = "generated JPEG frames of this size, e.g. 640x480 (endless: use --frames)")
        private FrameSize synthetic;
    }

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    private String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = FramePublisher.DEFAULT_TOPIC,
            description = "topic to publish to (default: ${DEFAULT-VALUE})")
    private String topic;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the synthetic frames (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "1",
            description = "simulated cameras, ids <prefix>0..<prefix>N-1 (default: ${DEFAULT-VALUE})")
    private int streams;

    @Option(names = "--stream-prefix", paramLabel = "TEXT", defaultValue = FramePublisher.DEFAULT_STREAM_PREFIX,
            description = "stream id prefix (default: ${DEFAULT-VALUE})")
    private String streamPrefix;

    @Option(names = "--fps", paramLabel = "F", defaultValue = "25",
            description = "frames per second per stream; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    private double fps;

    @Option(names = "--frames", paramLabel = "N",
            description = "stop after N frames per stream (default: at the end of the input)")
    private Long frames;

    @Option(names = "--loop", arity = "0..1", paramLabel = "true|false",
            description = "start the input again when it ends")
    private boolean loop;

    @Option(names = "--inject-bad", paramLabel = "N", defaultValue = "0",
            description = "also send N corrupt records per stream, to show dead letters (default: ${DEFAULT-VALUE})")
    private int injectBad;

    @Option(names = "--jpeg-quality", paramLabel = "Q", defaultValue = "0.9",
            description = "JPEG quality of re-encoded frames, 0 < Q <= 1 (default: ${DEFAULT-VALUE})")
    private float jpegQuality;

    // Long names only: picocli would refuse a --kafka value such as a password starting with -h.
    @Option(names = "--help", usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Option(names = "--version", versionHelp = true, description = "print the version and exit")
    private boolean version;

    @Spec
    private CommandSpec spec;

    private PrefixedOptions kafka;
    private final PrintStream out;
    private final PrintStream err;

    private FramePublisherCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        trustSchemaPackage();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Avro 1.12 refuses to load generated classes from packages not listed in this property
     * (SecurityException on the first Frame). The job and tests set it on the command line; the
     * CLI adds its own package, before Avro first reads the property.
     */
    static void trustSchemaPackage() {
        String property = "org.apache.avro.SERIALIZABLE_PACKAGES";
        String trusted = System.getProperty(property, "");
        String schemas = Frame.class.getPackageName();
        if (!Arrays.asList(trusted.split(",")).contains(schemas)) {
            System.setProperty(property, trusted.isBlank() ? schemas : trusted + "," + schemas);
        }
    }

    /** Runs the command; returns the exit code instead of exiting (for tests and embedding). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(new FramePublisherCli(out, err), args).execute(args);
    }

    /**
     * Parses and checks the flags without publishing.
     *
     * @throws ParameterException with a one-line message naming the bad flag
     */
    static PublisherSettings parse(String[] args) {
        FramePublisherCli cli = new FramePublisherCli(System.out, System.err);
        commandLine(cli, args).parseArgs(args);
        return cli.settings();
    }

    private static CommandLine commandLine(FramePublisherCli cli, String[] args) {
        CommandLine commandLine = new CommandLine(cli);
        cli.kafka = PrefixedOptions.register(commandLine.getCommandSpec(), "--kafka.", args);
        commandLine.setOut(new PrintWriter(cli.out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(cli.err, true, StandardCharsets.UTF_8));
        return CliConventions.apply(commandLine, "error: ");
    }

    @Override
    public Integer call() {
        PublisherSettings settings = settings();
        FrameSource source;
        try {
            source = source(settings);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        FramePublisher publisher = publisher(settings, source, err);
        err.printf(Locale.ROOT, "publishing %s to topic %s at %s: %d stream(s) at %s%n", source.description(),
                settings.topic(), settings.bootstrapServers(), settings.streams(),
                settings.fps() > 0 ? settings.fps() + " fps" : "full speed");
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            // Ctrl-C: let run() end cleanly so the frames in flight are sent and the summary printed.
            publisher.stop();
            awaitQuietly(finished);
        }, "frame-publisher-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            out.println(publisher.run().describe());
            return EXIT_OK;
        } catch (FramePublishException e) {
            err.println("error: " + e.getMessage());
            out.println(e.summary().describe());
            return EXIT_FAILED;
        } catch (IOException e) {
            err.println("error: cannot read " + source.description() + ": " + e.getMessage());
            return EXIT_FAILED;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waits for the latch released above.
            }
        }
    }

    /** The parsed flags, checked: ranges and the input's existence (picocli checked types and presence). */
    private PublisherSettings settings() {
        Path path = input.path;
        if (path != null && !Files.exists(path)) {
            throw usage("--input " + path + ": no such file or folder");
        }
        if (bootstrapServers.isBlank()) {
            throw usage("--bootstrap-servers is empty");
        }
        if (topic.isBlank()) {
            throw usage("--topic is empty");
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw usage("--jpeg-quality must be in (0, 1], got " + jpegQuality);
        }
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw usage("--fps must be 0 (as fast as possible) or positive, got " + fps);
        }
        check("--streams", streams, 1, 100_000);
        check("--inject-bad", injectBad, 0, 1_000_000);
        if (frames != null && frames < 1) {
            throw usage("--frames must be at least 1, got " + frames);
        }
        FrameSize size = input.synthetic;
        return new PublisherSettings(bootstrapServers, topic, path, size == null ? 0 : size.width(),
                size == null ? 0 : size.height(), seed, streams, streamPrefix, fps,
                frames == null ? Long.MAX_VALUE : frames, injectBad, loop, jpegQuality, kafka.values());
    }

    private void check(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw usage(flag + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The size of synthetic frames. */
    record FrameSize(int width, int height) {}

    /** {@code WIDTHxHEIGHT}, each 1 to 6 digits and at least 1. */
    static final class FrameSizeConverter implements ITypeConverter<FrameSize> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,6})x(\\d{1,6})");

        @Override
        public FrameSize convert(String value) {
            Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
                throw new TypeConversionException("expects WIDTHxHEIGHT like 640x480, got '" + value + "'");
            }
            return new FrameSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
    }

    /** @throws IllegalArgumentException if the input is not a usable folder or video file */
    static FrameSource source(PublisherSettings settings) {
        if (settings.synthetic()) {
            return new SyntheticSource(settings.syntheticWidth(), settings.syntheticHeight(), settings.seed(),
                    SyntheticSource.UNBOUNDED, settings.jpegQuality());
        }
        try {
            return FrameSource.open(settings.input(), settings.jpegQuality());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input " + settings.input() + ": " + e.getMessage(), e);
        }
    }

    static FramePublisher publisher(PublisherSettings settings, FrameSource source, PrintStream err) {
        FramePublisher.Builder builder = FramePublisher.builder()
                .bootstrapServers(settings.bootstrapServers())
                .topic(settings.topic())
                .source(source)
                .streams(settings.streams())
                .streamPrefix(settings.streamPrefix())
                .fps(settings.fps())
                .framesPerStream(settings.framesPerStream())
                .badFramesPerStream(settings.injectBad())
                .loop(settings.loop())
                .progress(err::println);
        settings.kafkaProperties().forEach(builder::producerProperty);
        return builder.build();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
