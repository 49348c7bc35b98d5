package io.flinkvision.publisher;

import io.flinkvision.schemas.Frame;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command line of the {@link FramePublisher}: publishes a folder of images, a video file or
 * synthetic frames to Kafka as N simulated cameras. Progress goes to stderr, the summary to stdout.
 * Exit codes: 0 done, 1 Kafka or the input failed, 2 bad flags or missing input.
 */
public final class FramePublisherCli {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    static final String USAGE = """
            Publishes frames to Kafka as Avro Frames keyed by stream id, as N simulated cameras.
            usage: FramePublisherCli (--input PATH | --synthetic WxH) [flags]
              --bootstrap-servers HOSTS  Kafka bootstrap servers (default localhost:9092)
              --topic NAME               topic to publish to (default frames)
              --input PATH               folder: its .jpg/.jpeg/.png files sorted by name, sent as they are;
                                         file: a video, each frame re-encoded as JPEG
              --synthetic WxH            generated JPEG frames of this size, e.g. 640x480 (endless: use --frames)
              --seed N                   seed of the synthetic frames (default 0)
              --streams N                simulated cameras, ids <prefix>0..<prefix>N-1 (default 1)
              --stream-prefix TEXT       stream id prefix (default cam-)
              --fps F                    frames per second per stream; 0 = as fast as possible (default 25)
              --frames N                 stop after N frames per stream (default: at the end of the input)
              --loop                     start the input again when it ends
              --inject-bad N             also send N corrupt records per stream, to show dead letters (default 0)
              --jpeg-quality Q           JPEG quality of re-encoded frames, 0 < Q <= 1 (default 0.9)
              --kafka.NAME VALUE         Kafka producer setting, e.g. --kafka.security.protocol SSL
              --help                     this help
            """;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,6})x(\\d{1,6})");

    private FramePublisherCli() {}

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
        if (Arrays.asList(args).contains("--help")) {
            out.print(USAGE);
            return EXIT_OK;
        }
        PublisherSettings settings;
        FrameSource source;
        try {
            settings = parse(args);
            source = source(settings);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage() + " (--help lists the flags)");
            return EXIT_USAGE;
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

    /** @throws IllegalArgumentException with a one-line message naming the bad flag */
    static PublisherSettings parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("loop")) {
                flags.put(name, value == null ? "true" : value);
                continue;
            }
            if (!name.startsWith("kafka.") && !isValueFlag(name)) {
                throw new IllegalArgumentException("unknown flag '--" + name + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (name.startsWith("kafka.")) {
                kafka.put(name.substring("kafka.".length()), value);
            } else if (flags.put(name, value) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }

        String input = flags.get("input");
        String synthetic = flags.get("synthetic");
        if ((input == null) == (synthetic == null)) {
            throw new IllegalArgumentException("give one of --input PATH or --synthetic WxH");
        }
        Path inputPath = null;
        int width = 0;
        int height = 0;
        if (input != null) {
            inputPath = Path.of(input);
            if (!Files.exists(inputPath)) {
                throw new IllegalArgumentException("--input " + input + ": no such file or folder");
            }
        } else {
            Matcher m = SIZE.matcher(synthetic.toLowerCase(Locale.ROOT));
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
                throw new IllegalArgumentException("--synthetic expects WIDTHxHEIGHT like 640x480, got '" + synthetic + "'");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        String bootstrap = flags.getOrDefault("bootstrap-servers", "localhost:9092");
        String topic = flags.getOrDefault("topic", FramePublisher.DEFAULT_TOPIC);
        if (bootstrap.isBlank() || topic.isBlank()) {
            throw new IllegalArgumentException(bootstrap.isBlank() ? "--bootstrap-servers is empty" : "--topic is empty");
        }
        double quality = number(flags, "jpeg-quality", VideoFileSource.DEFAULT_JPEG_QUALITY);
        if (!(quality > 0 && quality <= 1)) {
            throw new IllegalArgumentException("--jpeg-quality must be in (0, 1], got " + flags.get("jpeg-quality"));
        }
        double fps = number(flags, "fps", 25);
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("--fps must be 0 (as fast as possible) or positive, got " + flags.get("fps"));
        }
        String loop = flags.getOrDefault("loop", "false");
        if (!loop.equals("true") && !loop.equals("false")) {
            throw new IllegalArgumentException("--loop takes no value (or =true/=false), got '" + loop + "'");
        }
        return new PublisherSettings(bootstrap, topic, inputPath, width, height,
                whole(flags, "seed", 0, Long.MIN_VALUE),
                (int) whole(flags, "streams", 1, 1, 100_000),
                flags.getOrDefault("stream-prefix", FramePublisher.DEFAULT_STREAM_PREFIX),
                fps,
                whole(flags, "frames", Long.MAX_VALUE, 1),
                (int) whole(flags, "inject-bad", 0, 0, 1_000_000),
                Boolean.parseBoolean(loop),
                (float) quality,
                kafka);
    }

    private static boolean isValueFlag(String name) {
        return switch (name) {
            case "bootstrap-servers", "topic", "input", "synthetic", "seed", "streams", "stream-prefix", "fps",
                    "frames", "inject-bad", "jpeg-quality" -> true;
            default -> false;
        };
    }

    private static double number(Map<String, String> flags, String name, double fallback) {
        String value = flags.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects a number, got '" + value + "'");
        }
    }

    private static long whole(Map<String, String> flags, String name, long fallback, long min) {
        return whole(flags, name, fallback, min, Long.MAX_VALUE);
    }

    private static long whole(Map<String, String> flags, String name, long fallback, long min, long max) {
        String value = flags.get(name);
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects a whole number, got '" + value + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be " + (max == Long.MAX_VALUE
                    ? "at least " + min : "between " + min + " and " + max) + ", got " + n);
        }
        return n;
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
