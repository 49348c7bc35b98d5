package io.flinkvision.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The benchmark's flags: typed, checked before anything is measured, exit 2 with the reason. */
class BenchmarkCommandLineTest {
    private record Executed(int exitCode, String out, String err) {}

    private static Executed execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PipelineBenchmark.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Executed(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void badFlagsExitWithTwoBeforeAnythingRuns() {
        assertThat(execute("--seconds", "0")).satisfies(e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.err()).contains("--seconds must be >= 1, got 0").contains("Usage: benchmark");
        });
        assertThat(execute("--batch-size", "two")).satisfies(e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.err()).contains("--batch-size").contains("two");
        });
        assertThat(execute("--frame-size", "1280")).satisfies(e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.err()).contains("WIDTHxHEIGHT");
        });
        assertThat(execute("--e2e-frames", "1").exitCode()).isEqualTo(2);
        assertThat(execute("--bogus").exitCode()).isEqualTo(2);
        assertThat(execute("--task", "segment")).satisfies(e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.err()).contains("--task must be classify or detect");
        });
    }

    @Test
    void helpListsTheFlagsWithTheirDefaults() {
        Executed help = execute("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: benchmark", "--seconds=S", "(default: 15)", "--frame-size=WxH",
                "(default: 1280x720)", "--e2e-frames=N", "(default: 3000)", "--runs-in-flight=R");
    }
}
