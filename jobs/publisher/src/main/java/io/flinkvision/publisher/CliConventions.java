package io.flinkvision.publisher;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the picocli command lines (the publisher's here, the demo's) behave: exit code 0 on success, 1
 * when the work failed, 2 ({@link CommandLine.ExitCode#USAGE}) on bad flags or values; a bad command
 * line is one line on stderr saying what to fix, not the whole usage message. (The job reads its
 * arguments with Flink's ParameterTool and keeps the same codes and secret rule in its JobArguments.)
 *
 * <p>Those lines name flags, never values that might be secrets: a {@code --kafka.sasl.jaas.config}
 * value is not repeated when it is missing, misplaced or split into stray words by the shell, and an
 * unknown {@code --flag=value} is reported as {@code --flag}.
 */
public final class CliConventions {
    public static final int EXIT_OK = CommandLine.ExitCode.OK;
    public static final int EXIT_FAILED = CommandLine.ExitCode.SOFTWARE;
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private static final Pattern SECRET = Pattern.compile("password|secret|sasl\\.jaas");

    private CliConventions() {}

    /**
     * Configures {@code commandLine}: errors as one line {@code errorPrefix + what + " (--help lists
     * the flags)"} with exit code 2; no {@code @file} expansion and no clustered short options (a
     * value such as {@code @x} stays a value).
     *
     * <p>picocli refuses an option value that starts like a declared short option ({@code -h...} when
     * there is a {@code -h}), even as {@code --name=-h...}: commands that pass values through, such as
     * passwords, declare long names only.
     */
    public static CommandLine apply(CommandLine commandLine, String errorPrefix) {
        return commandLine.setExpandAtFiles(false)
                .setPosixClusteredShortOptionsAllowed(false)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println(errorPrefix + describe(e, args) + " (--help lists the flags)");
                    return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
                });
    }

    /** Whether a setting of this name may hold a secret, so that its value is never shown. */
    public static boolean mightBeSecret(String name) {
        return SECRET.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    /** What is wrong, in one line that names flags but repeats no value that might be a secret. */
    public static String describe(ParameterException e, String[] args) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return describeUnmatched(unmatched, args);
        }
        if (e instanceof MissingParameterException missing && e.getMessage().contains("but found")) {
            // picocli would quote the next argument, which may be the secret value itself.
            List<ArgSpec> specs = missing.getMissing();
            String name = specs.isEmpty() || !(specs.get(0) instanceof OptionSpec option) ? "an option"
                    : option.longestName();
            return name + " needs a value";
        }
        return e.getMessage();
    }

    private static String describeUnmatched(UnmatchedArgumentException e, String[] args) {
        String first = e.getUnmatched().get(0);
        if (first.startsWith("-")) {
            int eq = first.indexOf('=');
            String name = eq < 0 ? first : first.substring(0, eq);
            List<String> suggestions = e.getSuggestions();
            return "unknown flag '" + name + "'"
                    + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)");
        }
        // A stray word: echo it unless the flag it follows may hold a secret (an unquoted JAAS line).
        String flag = flagBefore(first, args);
        if (flag != null && mightBeSecret(flag)) {
            return "unexpected argument after the value of " + flag + " (quote a value that contains spaces)";
        }
        return "unexpected argument '" + first + "'" + (flag == null ? "" : " after " + flag)
                + ": flags are --name value or --name=value";
    }

    /** The last flag before the first occurrence of {@code word} in {@code args}, or null. */
    private static String flagBefore(String word, String[] args) {
        String flag = null;
        for (String arg : args) {
            if (arg.equals(word)) {
                return flag;
            }
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                flag = eq < 0 ? arg : arg.substring(0, eq);
            }
        }
        return flag;
    }
}
