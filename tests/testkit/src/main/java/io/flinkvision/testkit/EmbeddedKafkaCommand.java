package io.flinkvision.testkit;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tests/testkit/bin/kafka}: runs an {@link EmbeddedKafka} broker until Ctrl-C, for trying the publisher
 * or the job without a Kafka installation. Prints the bootstrap servers on stdout (one line, for scripts).
 */
@Command(name = "kafka", mixinStandardHelpOptions = true, resourceBundle = "io.flinkvision.testkit.version",
        version = "flink-vision embedded Kafka ${bundle:flink-vision.version}",
        description = "Runs a single-node KRaft broker on 127.0.0.1 until Ctrl-C; prints its bootstrap servers.")
public final class EmbeddedKafkaCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TOPIC[:PARTITIONS]", converter = TopicConverter.class,
            description = "Topics to create (1 partition unless given), e.g. frames:2 labelled-frames.")
    List<Topic> topics = List.of();

    /** A topic to create. */
    record Topic(String name, int partitions) {}

    static final class TopicConverter implements CommandLine.ITypeConverter<Topic> {
        @Override
        public Topic convert(String value) {
            int colon = value.lastIndexOf(':');
            String name = colon < 0 ? value : value.substring(0, colon);
            int partitions;
            try {
                partitions = colon < 0 ? 1 : Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "': partitions must be a number");
            }
            if (name.isBlank() || partitions < 1) {
                throw new CommandLine.TypeConversionException("'" + value + "': need NAME or NAME:PARTITIONS (>= 1)");
            }
            return new Topic(name, partitions);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
        for (Topic topic : topics) {
            kafka.createTopics(topic.partitions(), topic.name());
        }
        System.out.println(kafka.bootstrapServers());
        System.err.println("embedded Kafka running at " + kafka.bootstrapServers()
                + " (Ctrl-C stops it and deletes " + kafka.baseDirectory() + ")");
        new CountDownLatch(1).await();
        return 0;
    }

    static CommandLine commandLine() {
        return new CommandLine(new EmbeddedKafkaCommand());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
