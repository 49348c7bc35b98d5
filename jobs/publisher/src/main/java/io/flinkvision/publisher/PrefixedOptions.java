package io.flinkvision.publisher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options named by a prefix and a free rest, such as {@code --kafka.security.protocol SSL}: settings
 * handed on untouched to a library (Kafka clients here) whose names this program does not list.
 *
 * <p>picocli matches options by their exact names, so {@link #register} declares one option for each
 * such name on the command line before it is parsed. picocli then parses them like every other
 * option: {@code --kafka.NAME VALUE} or {@code --kafka.NAME=VALUE}, a missing value is an error that
 * names the flag, and a value that starts with {@code --} is taken as the value.
 */
final class PrefixedOptions {
    private final String prefix;
    private final List<OptionSpec> options;

    private PrefixedOptions(String prefix, List<OptionSpec> options) {
        this.prefix = prefix;
        this.options = options;
    }

    /**
     * Adds to {@code spec} one hidden option for each distinct {@code prefix + NAME} in {@code args}
     * (document them in the usage footer).
     *
     * @param prefix the flag prefix, e.g. {@code --kafka.}
     */
    static PrefixedOptions register(CommandSpec spec, String prefix, String[] args) {
        List<OptionSpec> options = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (name.startsWith(prefix) && name.length() > prefix.length() && !spec.optionsMap().containsKey(name)) {
                OptionSpec option = OptionSpec.builder(name).arity("1").type(String.class).paramLabel("VALUE")
                        .hidden(true).build();
                spec.addOption(option);
                options.add(option);
            }
        }
        return new PrefixedOptions(prefix, options);
    }

    /** After parsing: the values given, by name without the prefix, in the order first seen. */
    Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec option : options) {
            String value = option.getValue();
            if (value != null) {
                values.put(option.longestName().substring(prefix.length()), value);
            }
        }
        return values;
    }
}
