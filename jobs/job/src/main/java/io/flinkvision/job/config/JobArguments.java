package io.flinkvision.job.config;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.Description;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * Command-line and properties-file settings of a job, checked against the job's {@code *Options}
 * class: {@code --config FILE} first, then {@code --key value} / {@code --key=value} flags, which
 * win. Unknown keys are errors that name the key (a typo must not silently keep a default).
 */
public final class JobArguments {
    /** Prefix of Kafka client properties passed through untouched (SASL, SSL...). */
    public static final String KAFKA_PREFIX = "kafka.";

    private final Configuration configuration;
    private final Properties kafkaProperties;

    private JobArguments(Configuration configuration, Properties kafkaProperties) {
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

    /**
     * @param optionsClass the class whose {@code public static ConfigOption} fields are the known keys
     * @throws IllegalArgumentException with a message that names the bad argument
     */
    public static JobArguments parse(String[] args, Class<?> optionsClass) {
        Map<String, ConfigOption<?>> known = knownOptions(optionsClass);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': settings are --key value");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true"; // a bare flag is a boolean switch
            }
            flags.put(name, value);
        }
        String configFile = flags.remove("config");
        if (configFile != null) {
            values.putAll(readProperties(Path.of(configFile)));
        }
        values.putAll(flags);

        Configuration configuration = new Configuration();
        Properties kafka = new Properties();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(KAFKA_PREFIX)) {
                kafka.setProperty(e.getKey().substring(KAFKA_PREFIX.length()), e.getValue());
            } else if (known.containsKey(e.getKey())) {
                configuration.setString(e.getKey(), e.getValue());
            } else {
                throw new IllegalArgumentException("unknown setting '--" + e.getKey() + "' (--help lists them)");
            }
        }
        // Parse every known option now, so a bad value fails here with its key, not later in the job.
        for (ConfigOption<?> option : known.values()) {
            try {
                configuration.getOptional(option);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(
                        "bad value for --" + option.key() + " '" + configuration.toMap().get(option.key())
                                + "': " + ex.getMessage(), ex);
            }
        }
        return new JobArguments(configuration, kafka);
    }

    /** One line per known setting: key, default, description. */
    public static String help(Class<?> optionsClass) {
        StringBuilder out = new StringBuilder();
        for (ConfigOption<?> option : knownOptions(optionsClass).values()) {
            out.append(String.format("  --%-26s %s%n", option.key()
                            + (option.hasDefaultValue() ? " (" + option.defaultValue() + ")" : ""),
                    plainText(option.description())));
        }
        out.append(String.format("  --%-26s %s%n", "config FILE", "properties file with key=value settings"));
        out.append(String.format("  --%-26s %s%n", "kafka.<prop> VALUE", "passed to every Kafka client"));
        return out.toString();
    }

    /** A description as one line of plain text (Flink's formatter writes HTML: undo its escaping). */
    static String plainText(Description description) {
        return new HtmlFormatter().format(description).replace("<br />", " ").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    static Map<String, ConfigOption<?>> knownOptions(Class<?> optionsClass) {
        Map<String, ConfigOption<?>> known = new TreeMap<>();
        List<Field> fields = new ArrayList<>(List.of(optionsClass.getFields()));
        for (Field field : fields) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    known.put(option.key(), option);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return known;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name));
        }
        return values;
    }
}
