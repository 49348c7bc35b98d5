package io.flinkvision.job.config;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.Description;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.ParameterTool;

/**
 * Command-line and properties-file settings of a job, checked against the job's {@code *Options}
 * class, which is the only list of settings: {@code --config FILE} first, then Kafka client
 * properties from the environment ({@link #ENV_PREFIX}), then {@code --key value} / {@code --key=value}
 * flags, which win; {@code kafka.<prop>} keys pass through to the Kafka clients. Secrets (a SASL JAAS
 * line, key store passwords) therefore never have to be on the command line, where {@code ps} and
 * the cluster's UI show them.
 * Unknown keys are errors that name the key (a typo must not silently keep a default), and every value
 * is parsed here, so a bad one fails with its key before the job is built.
 *
 * <p>The command line is read by Flink's {@link ParameterTool} (flink-core, on every Flink classpath,
 * so the job jar carries no parser). ParameterTool takes an argument that starts with {@code -} as
 * the next key, not as a value: such values go as {@code --key=-value}. Its own errors quote every
 * argument, so this class replaces them, and no message here repeats a value of a key that may hold
 * a secret ({@link #mightBeSecret}).
 */
public final class JobArguments {
    /** Prefix of Kafka client properties passed through untouched (SASL, SSL...). */
    public static final String KAFKA_PREFIX = "kafka.";
    /** The flag naming a properties file of settings. */
    public static final String CONFIG = "config";
    /**
     * Environment variables {@code FLINKVISION_KAFKA_<NAME>} are the Kafka client property {@code
     * kafka.<name>}: {@code NAME} in upper case with {@code _} for {@code .}, e.g. {@code
     * FLINKVISION_KAFKA_SASL_JAAS_CONFIG} is {@code kafka.sasl.jaas.config} (no Kafka client property
     * has an underscore in its name). For secrets mounted from a Kubernetes Secret, say.
     */
    public static final String ENV_PREFIX = "FLINKVISION_KAFKA_";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z0-9]+(_[A-Z0-9]+)*");

    private static final String HELP = "help";
    /** ParameterTool's value for a key given without one ({@code AbstractParameterTool.NO_VALUE_KEY}, protected). */
    private static final String NO_VALUE = "__NO_VALUE_KEY";
    private static final Pattern SECRET = Pattern.compile("password|secret|sasl\\.jaas");

    private final Map<String, String> settings;
    private final Configuration configuration;
    private final Properties kafkaProperties;

    private JobArguments(Map<String, String> settings, Configuration configuration, Properties kafkaProperties) {
        this.settings = settings;
        this.configuration = configuration;
        this.kafkaProperties = kafkaProperties;
    }

    public Configuration configuration() {
        return configuration;
    }

    /** Kafka client properties given as {@code kafka.<name>}, without the prefix. */
    public Properties kafkaProperties() {
        Properties copy = new Properties();
        copy.putAll(kafkaProperties);
        return copy;
    }

    /** Every setting given, as text by key (Kafka ones with their prefix), the file's and the flags' merged. */
    public Map<String, String> settings() {
        return settings;
    }

    /**
     * @param optionsClass the class whose {@code public static ConfigOption} fields are the known keys
     * @throws IllegalArgumentException with a message that names the bad argument
     */
    public static JobArguments parse(String[] args, Class<?> optionsClass) {
        return parse(args, optionsClass, System.getenv());
    }

    /**
     * {@link #parse(String[], Class)} with {@code environment} in place of the process's.
     *
     * @param environment variables by name; those starting with {@link #ENV_PREFIX} are Kafka client properties
     */
    public static JobArguments parse(String[] args, Class<?> optionsClass, Map<String, String> environment) {
        Map<String, String> flags = flags(args, optionsClass);
        if (flags.containsKey(HELP)) {
            throw new IllegalArgumentException("unknown setting '--help'");
        }
        return fromFlags(flags, optionsClass, environment);
    }

    /**
     * {@link #parse} for a {@code main}: {@code --help} prints {@link #help} to {@code out} and returns null.
     */
    public static JobArguments parseOrHelp(String[] args, Class<?> optionsClass, PrintStream out) {
        return parseOrHelp(args, optionsClass, out, System.getenv());
    }

    /** {@link #parseOrHelp(String[], Class, PrintStream)} with {@code environment} in place of the process's. */
    public static JobArguments parseOrHelp(String[] args, Class<?> optionsClass, PrintStream out,
            Map<String, String> environment) {
        Map<String, String> flags = flags(args, optionsClass);
        if (flags.containsKey(HELP)) {
            out.print(help(optionsClass));
            return null;
        }
        return fromFlags(flags, optionsClass, environment);
    }

    /**
     * The Kafka client properties the environment gives ({@link #ENV_PREFIX}), as {@code kafka.<name>} keys.
     *
     * @throws IllegalArgumentException naming (never showing the value of) a variable that names no property
     */
    static Map<String, String> kafkaFromEnvironment(Map<String, String> environment) {
        Map<String, String> kafka = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String property = name.substring(ENV_PREFIX.length());
            if (!ENV_NAME.matcher(property).matches()) {
                throw new IllegalArgumentException("environment variable " + name + " names no Kafka property: after "
                        + ENV_PREFIX + " come upper-case words joined by '_', e.g. " + ENV_PREFIX + "SASL_JAAS_CONFIG");
            }
            kafka.put(KAFKA_PREFIX + property.toLowerCase(Locale.ROOT).replace('_', '.'), value);
        });
        return kafka;
    }

    private static JobArguments fromFlags(Map<String, String> flags, Class<?> optionsClass,
            Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        String file = flags.remove(CONFIG);
        if (file != null) {
            Map<String, String> fromFile = readProperties(file);
            Map<String, Setting> known = settings(optionsClass);
            fromFile.keySet().stream().filter(key -> !key.startsWith(KAFKA_PREFIX) && !known.containsKey(key))
                    .findFirst().ifPresent(key -> {
                        throw new IllegalArgumentException("unknown setting '" + key + "' in --config " + file);
                    });
            settings.putAll(fromFile);
        }
        settings.putAll(kafkaFromEnvironment(environment));
        settings.putAll(flags);
        return of(settings, optionsClass);
    }

    /**
     * Settings as text by key, checked and parsed: keys starting with {@code kafka.} pass through, every
     * other key must be a ConfigOption of {@code optionsClass}.
     *
     * @throws IllegalArgumentException naming the first unknown key or bad value
     */
    public static JobArguments of(Map<String, String> settings, Class<?> optionsClass) {
        Map<String, Setting> known = settings(optionsClass);
        Map<String, String> given = new TreeMap<>(settings);
        Configuration configuration = new Configuration();
        Properties kafka = new Properties();
        given.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.setProperty(key.substring(KAFKA_PREFIX.length()), value);
            } else if (known.containsKey(key)) {
                configuration.setString(key, value);
            } else {
                throw new IllegalArgumentException("unknown setting '--" + key + "'");
            }
        });
        // Parse every known option now, so a bad value fails here with its key, not later in the job.
        for (Setting setting : known.values()) {
            ConfigOption<?> option = setting.option();
            try {
                configuration.getOptional(option);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(mightBeSecret(option.key())
                        ? "bad value for --" + option.key() + " (not shown: it may be a secret)"
                        : "bad value for --" + option.key() + " '" + given.get(option.key()) + "': " + e.getMessage()
                                + choices(setting.type()),
                        e);
            }
        }
        return new JobArguments(Map.copyOf(given), configuration, kafka);
    }

    /** Whether a setting of this name may hold a secret, so that no message shows its value. */
    public static boolean mightBeSecret(String key) {
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * The flags by key. ParameterTool reads {@code --key value} and bare {@code --key}; a bare boolean
     * setting is a switch ({@code true}); {@code --key=value} reaches here as the key "key=value".
     */
    private static Map<String, String> flags(String[] args, Class<?> optionsClass) {
        ParameterTool parsed;
        try {
            parsed = ParameterTool.fromArgs(args);
        } catch (IllegalArgumentException e) {
            // ParameterTool's message lists every argument, secrets too: say what is wrong without them.
            boolean empty = Arrays.stream(args).anyMatch(a -> a.equals("-") || a.equals("--"));
            throw new IllegalArgumentException(empty ? "an empty flag '--': settings are --key value"
                    : "unexpected argument: settings are --key value (quote a value that contains spaces)");
        }
        Map<String, Setting> known = settings(optionsClass);
        Map<String, String> flags = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(parsed.toMap()).entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            int eq = key.indexOf('=');
            if (eq > 0) {
                if (!value.equals(NO_VALUE)) {
                    throw new IllegalArgumentException("unexpected argument after --" + key.substring(0, eq)
                            + "=...: settings are --key value or --key=value");
                }
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (value.equals(NO_VALUE)) {
                Setting setting = known.get(key);
                value = (setting != null && setting.type() == Boolean.class) || key.equals(HELP) ? "true" : null;
            }
            // ParameterTool keeps the last of a repeated --key value, but sees --key=a and --key=b as two
            // keys, in no order: which one wins would be chance.
            if (flags.containsKey(key)) {
                throw new IllegalArgumentException("--" + key + " given more than once as --" + key + "=VALUE");
            }
            flags.put(key, value);
        }
        // A value that starts with '-' became a key of its own: report the setting that lost it, never
        // that "key", which may be a secret; so these come before any unknown setting is reported.
        flags.entrySet().stream()
                .filter(e -> e.getValue() == null && (known.containsKey(e.getKey()) || e.getKey().startsWith(KAFKA_PREFIX)
                        || e.getKey().equals(CONFIG)))
                .findFirst().ifPresent(e -> {
                    throw new IllegalArgumentException("--" + e.getKey() + " needs a value (a value that starts with"
                            + " '-' goes as --" + e.getKey() + "=VALUE)");
                });
        reportUnknownFlag(args, flags.keySet(), known);
        return flags;
    }

    /**
     * Fails on the first unknown flag in command-line order (the one a user typed first, and never a
     * secret value after it). A "flag" right after a flag that got no value (not a switch) may be that flag's value,
     * one that starts with '-' (ParameterTool reads it as a key): such a one is not shown.
     */
    private static void reportUnknownFlag(String[] args, java.util.Set<String> keys, Map<String, Setting> known) {
        String previousBare = null;
        for (String arg : args) {
            String key = flagKey(arg);
            if (key == null) {
                previousBare = null;
                continue;
            }
            boolean unknown = keys.contains(key) && !known.containsKey(key) && !key.startsWith(KAFKA_PREFIX)
                    && !key.equals(CONFIG) && !key.equals(HELP);
            if (unknown) {
                throw new IllegalArgumentException(previousBare == null
                        ? "unknown setting '--" + key + "'"
                        : "unknown setting after --" + previousBare + " (not shown: it may be --" + previousBare
                                + "'s value; a value that starts with '-' goes as --" + previousBare + "=VALUE)");
            }
            // A switch (a boolean setting, --help) takes no value: what follows it is a flag of its own.
            Setting setting = known.get(key);
            boolean isSwitch = key.equals(HELP) || (setting != null && setting.type() == Boolean.class);
            previousBare = arg.indexOf('=') < 0 && !isSwitch ? key : null;
        }
    }

    /** The key of a flag as ParameterTool reads it ("--k", "-k", "--k=v"), or null for a value. */
    private static String flagKey(String arg) {
        if (!arg.startsWith("-") || arg.length() < 2 || isNumber(arg)) {
            return null;
        }
        String key = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
        int eq = key.indexOf('=');
        return eq > 0 ? key.substring(0, eq) : key;
    }

    private static boolean isNumber(String arg) {
        try {
            Double.parseDouble(arg);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The job's usage: how to run it, then {@link #settingsHelp}. */
    public static String help(Class<?> optionsClass) {
        return "Usage: flink run <job jar> [--config FILE] [--KEY VALUE | --KEY=VALUE]... [--kafka.PROP VALUE]...\n"
                + "Settings (flags win over the environment, which wins over --config; a value that starts with '-'"
                + " goes as --KEY=VALUE):\n"
                + settingsHelp(optionsClass);
    }

    /** Every setting with its values, description and default, one block per setting. */
    public static String settingsHelp(Class<?> optionsClass) {
        StringBuilder out = new StringBuilder();
        for (Setting setting : settings(optionsClass).values()) {
            ConfigOption<?> option = setting.option();
            out.append("  --").append(option.key()).append(' ').append(label(setting.type())).append('\n');
            out.append("        ").append(plainText(option.description()));
            if (option.hasDefaultValue()) {
                out.append(" Default: ").append(defaultText(option)).append('.');
            }
            out.append('\n');
        }
        out.append("  --").append(CONFIG).append(" FILE\n        Properties file with key=value settings.\n");
        out.append("  --").append(KAFKA_PREFIX).append("<prop> VALUE\n")
                .append("        Passed, without the prefix, to every Kafka client (SASL, SSL, ...). Also from the\n")
                .append("        environment: ").append(ENV_PREFIX).append("SASL_JAAS_CONFIG is kafka.sasl.jaas.config (keep\n")
                .append("        secrets there or in --config, not on the command line).\n");
        return out.toString();
    }

    private static String label(Class<?> type) {
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining("|"));
        }
        if (type == Integer.class || type == Long.class) {
            return "N";
        }
        if (type == Boolean.class) {
            return "[true|false]";
        }
        if (type == Duration.class) {
            return "DURATION";
        }
        if (type == MemorySize.class) {
            return "SIZE";
        }
        if (type == List.class) {
            return "A;B;...";
        }
        return "TEXT";
    }

    /** The default as Flink writes it in a configuration ("10 s", "exactly-once"), so it reads back. */
    private static <T> String defaultText(ConfigOption<T> option) {
        Configuration defaults = new Configuration();
        defaults.set(option, option.defaultValue());
        return defaults.toMap().get(option.key());
    }

    /** A description as one line of plain text (Flink's formatter writes HTML: undo its escaping). */
    static String plainText(Description description) {
        return new HtmlFormatter().format(description).replace("<br />", " ").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    /** A setting: its ConfigOption and the type of its values (the field's declared ConfigOption<T>). */
    record Setting(ConfigOption<?> option, Class<?> type) {}

    /** " Choices: a, b, c." for an enum setting (Flink's own message names none), else "". */
    private static String choices(Class<?> type) {
        if (type == null || !type.isEnum()) {
            return "";
        }
        return " Choices: " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                .collect(Collectors.joining(", ")) + ".";
    }

    /** The {@code public static ConfigOption} fields of {@code optionsClass}, by key. */
    static Map<String, Setting> settings(Class<?> optionsClass) {
        Map<String, Setting> known = new TreeMap<>();
        for (Field field : optionsClass.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    Type valueType = ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
                    known.put(option.key(), new Setting(option, raw(valueType)));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return known;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static Map<String, String> readProperties(String file) {
        try {
            return new TreeMap<>(ParameterTool.fromPropertiesFile(file).toMap());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + file + ": " + e.getMessage(), e);
        }
    }
}
