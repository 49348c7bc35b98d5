package io.flinkvision.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Passthrough options parse like declared ones; errors are one line, exit 2, and never show a secret. */
class CliConventionsTest {
    private final StringWriter err = new StringWriter();
    private PrefixedOptions kafka;
    private String ran;

    private CommandLine command(String... args) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection((Runnable) () -> ran = "ran");
        spec.addOption(OptionSpec.builder("--help").usageHelp(true).build());
        spec.addOption(OptionSpec.builder("--topic").arity("1").type(String.class).build());
        kafka = PrefixedOptions.register(spec, "--kafka.", args);
        return CliConventions.apply(new CommandLine(spec), "error: ").setErr(new PrintWriter(err, true));
    }

    private int execute(String... args) {
        return command(args).execute(args);
    }

    @Test
    void prefixedFlagsParseInBothFormsAndValuesMayStartWithDashes() {
        assertThat(execute("--kafka.security.protocol", "SSL", "--topic", "t", "--kafka.linger.ms=5",
                "--kafka.ssl.key.password", "--x", "--kafka.ssl.truststore.password", "-hx")).as(err.toString()).isZero();
        assertThat(ran).as(err.toString()).isEqualTo("ran");
        assertThat(kafka.values()).containsExactly(java.util.Map.entry("security.protocol", "SSL"),
                java.util.Map.entry("linger.ms", "5"), java.util.Map.entry("ssl.key.password", "--x"),
                java.util.Map.entry("ssl.truststore.password", "-hx"));
    }

    @Test
    void aBadCommandLineIsOneLineAndExitCodeTwo() {
        assertThat(execute("--topik", "t")).isEqualTo(CliConventions.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("error: unknown flag '--topik' (did you mean --topic?) (--help lists the flags)"
                + System.lineSeparator());
        assertThat(ran).isNull();
    }

    @Test
    void messagesNameTheFlagsButNotValuesThatMightBeSecrets() {
        assertThat(execute("--kafka.sasl.jaas.config", "PlainLoginModule", "username=alice", "password=hunter2"))
                .isEqualTo(2);
        assertThat(execute("--kafka.ssl.key.password", "--help")).isEqualTo(2);
        assertThat(execute("--ssl-password=hunter2")).isEqualTo(2);
        assertThat(execute("--kafka.ssl.key.password")).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(4).doesNotContain("hunter2", "PlainLoginModule", "alice")
                .contains("after the value of --kafka.sasl.jaas.config", "--kafka.ssl.key.password needs a value",
                        "unknown flag '--ssl-password'", "Missing required parameter for option '--kafka.ssl.key.password'");
    }

    @Test
    void aStrayWordAfterAnOrdinaryFlagIsQuoted() {
        assertThat(execute("--topic", "a", "b")).isEqualTo(2);
        assertThat(err.toString()).contains("unexpected argument 'b' after --topic");
    }

    @Test
    void secretNames() {
        assertThat(CliConventions.mightBeSecret("kafka.sasl.jaas.config")).isTrue();
        assertThat(CliConventions.mightBeSecret("ssl.keystore.PASSWORD")).isTrue();
        assertThat(CliConventions.mightBeSecret("client-secret")).isTrue();
        assertThat(CliConventions.mightBeSecret("batch-size")).isFalse();
    }
}
