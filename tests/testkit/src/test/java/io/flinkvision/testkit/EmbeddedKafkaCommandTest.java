package io.flinkvision.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The embedded broker's command line: help, version and bad topics (starting a broker is EmbeddedKafkaITCase's). */
class EmbeddedKafkaCommandTest {

    @Test
    void helpAndVersion() {
        StringWriter out = new StringWriter();
        assertThat(EmbeddedKafkaCommand.commandLine().setOut(new PrintWriter(out)).execute("--help")).isZero();
        assertThat(out.toString()).contains("TOPIC[:PARTITIONS]", "--version");

        String version = System.getProperty("flinkvision.project.version");
        assertThat(version).as("set by surefire from the pom").isNotBlank();
        StringWriter v = new StringWriter();
        assertThat(EmbeddedKafkaCommand.commandLine().setOut(new PrintWriter(v)).execute("--version")).isZero();
        assertThat(v.toString().trim()).isEqualTo("flink-vision embedded Kafka " + version);
    }

    @Test
    void aBadTopicOrFlagExitsWithTwoBeforeAnyBrokerStarts() {
        for (String bad : new String[] {"frames:x", "frames:0", ":3", "--bogus"}) {
            StringWriter err = new StringWriter();
            int code = EmbeddedKafkaCommand.commandLine().setErr(new PrintWriter(err)).execute(bad);
            assertThat(code).as(bad).isEqualTo(2);
        }
    }

    @Test
    void topicsParseWithTheirPartitions() {
        EmbeddedKafkaCommand.TopicConverter converter = new EmbeddedKafkaCommand.TopicConverter();
        assertThat(converter.convert("frames:2")).isEqualTo(new EmbeddedKafkaCommand.Topic("frames", 2));
        assertThat(converter.convert("dead-letters")).isEqualTo(new EmbeddedKafkaCommand.Topic("dead-letters", 1));
    }
}
