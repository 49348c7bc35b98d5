package io.flinkvision.deploycheck;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Enumeration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/**
 * Every configuration key Flink knows, read from Flink's own classes: the {@code public static
 * ConfigOption} fields of each {@code org.apache.flink..*Options} class on the test classpath (with
 * their fallback and deprecated keys), plus the keys Flink builds from a name, for the reporters
 * ({@code metrics.reporter.<name>.<option>}) and the external resources
 * ({@code external-resource.<name>.<option>}) that a configuration declares.
 */
final class FlinkKeys {
    /**
     * The GPU driver's own parameters ({@code GPUDriverOptions}: discovery-script.path and .args), named
     * here because its jar does not resolve from Maven Central (the parent POM
     * org.apache.flink:flink-external-resources is missing there for every 2.x release).
     */
    static final Set<String> GPU_DRIVER_PARAMETERS = Set.of("discovery-script.path", "discovery-script.args");

    private static final String METRICS_PACKAGE = "org.apache.flink.metrics.";

    static final String GPU_DRIVER_FACTORY = "org.apache.flink.externalresource.gpu.GPUDriverFactory";

    /**
     * A key Flink knows: its option, the reporter whose sub-configuration it is read from (null: the
     * top level), and for a deprecated key the key to use instead (else null).
     */
    record Known(ConfigOption<?> option, String reporter, String replacement) {}

    /** The options by key; fallback and deprecated keys map to the option they stand for. */
    private final Map<String, ConfigOption<?>> options;
    /** Options scoped to one reporter (their keys are suffixes): MetricOptions' REPORTER_* options. */
    private final Map<String, ConfigOption<?>> reporterOptions;
    /** The options of each metrics package's *Options classes: a reporter's own, bare keys ("hostUrl"). */
    private final Map<String, Map<String, ConfigOption<?>>> reporterPackages;
    private final int optionsClasses;

    private FlinkKeys(Map<String, ConfigOption<?>> options, Map<String, ConfigOption<?>> reporterOptions,
            Map<String, Map<String, ConfigOption<?>>> reporterPackages, int optionsClasses) {
        this.options = options;
        this.reporterOptions = reporterOptions;
        this.reporterPackages = reporterPackages;
        this.optionsClasses = optionsClasses;
    }

    /** Scans the classpath once; a few seconds. */
    static FlinkKeys scan() throws IOException {
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        Map<String, Map<String, ConfigOption<?>>> reporterPackages = new TreeMap<>();
        int classes = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File file = new File(entry);
            if (!file.getName().startsWith("flink-") || !file.getName().endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(file)) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith("org/apache/flink/") && name.endsWith("Options.class") && !name.contains("$")) {
                        Optional<Class<?>> type = load(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                        if (type.isPresent()) {
                            classes++;
                            String pkg = type.get().getPackageName();
                            // A reporter's options are bare keys, meaningful only under metrics.reporter.<name>.
                            (pkg.startsWith(METRICS_PACKAGE)
                                    ? reporterPackages.computeIfAbsent(pkg, p -> new TreeMap<>())
                                    : options).putAll(optionsOf(type.get()));
                        }
                    }
                }
            }
        }
        Map<String, ConfigOption<?>> reporter = new TreeMap<>();
        for (Field field : MetricOptions.class.getFields()) {
            if (field.getName().startsWith("REPORTER_") && field.getType() == ConfigOption.class
                    && !field.getName().equals("REPORTERS_LIST")) {
                ConfigOption<?> option = read(field);
                reporter.put(option.key(), option);
            }
        }
        return new FlinkKeys(options, reporter, reporterPackages, classes);
    }

    int optionsClasses() {
        return optionsClasses;
    }

    int size() {
        return options.size();
    }

    /**
     * The option of {@code key}, given the reporters and external resources that the configuration
     * declares; empty when Flink has no such key.
     *
     * @param reporterFactories the factory class of each reporter, by reporter name
     * @param externalResources the factory class of each external resource, by resource name
     */
    Optional<Known> find(String key, Map<String, String> reporterFactories, Map<String, String> externalResources) {
        if (options.containsKey(key)) {
            ConfigOption<?> option = options.get(key);
            String replacement = null;
            for (FallbackKey fallback : option.fallbackKeys()) {
                if (fallback.getKey().equals(key) && fallback.isDeprecated()) {
                    replacement = option.key();
                }
            }
            return Optional.of(new Known(option, null, replacement));
        }
        for (Map.Entry<String, String> reporter : reporterFactories.entrySet()) {
            String prefix = "metrics.reporter." + reporter.getKey() + ".";
            if (key.startsWith(prefix)) {
                return reporterOption(key.substring(prefix.length()), reporter.getValue())
                        .map(option -> new Known(option, reporter.getKey(), null));
            }
        }
        for (Map.Entry<String, String> resource : externalResources.entrySet()) {
            Optional<ConfigOption<?>> option = resourceOption(key, resource.getKey(), resource.getValue());
            if (option.isPresent()) {
                return option.map(o -> new Known(o, null, null));
            }
        }
        return Optional.empty();
    }

    /** The known top-level key nearest to {@code key}, when it is at most two edits away. */
    Optional<String> closest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String known : options.keySet()) {
            if (Math.abs(known.length() - key.length()) < bestDistance) {
                int distance = distance(key, known);
                if (distance < bestDistance) {
                    best = known;
                    bestDistance = distance;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private Optional<ConfigOption<?>> reporterOption(String suffix, String factoryClass) {
        if (reporterOptions.containsKey(suffix)) {
            return Optional.of(reporterOptions.get(suffix));
        }
        return reporterParameters(factoryClass).contains(suffix)
                ? Optional.of(ConfigOptions.key(suffix).stringType().noDefaultValue())
                : Optional.empty();
    }

    /**
     * A reporter's own parameters: the keys of the ConfigOptions in its package's *Options classes,
     * and the {@code ARG_*} constants of its factory (PrometheusReporterFactory's "port" is one).
     */
    Set<String> reporterParameters(String factoryClass) {
        Set<String> keys = new TreeSet<>();
        Optional<Class<?>> factory = load(factoryClass);
        if (factory.isEmpty()) {
            return keys;
        }
        for (Field field : factory.get().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().startsWith("ARG_")
                    && field.getType() == String.class) {
                field.setAccessible(true);
                try {
                    keys.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        keys.addAll(reporterPackages.getOrDefault(factory.get().getPackageName(), Map.of()).keySet());
        return keys;
    }

    private static Optional<ConfigOption<?>> resourceOption(String key, String resource, String factoryClass) {
        if (key.equals(ExternalResourceOptions.getAmountConfigOptionForResource(resource))) {
            return Optional.of(ConfigOptions.key(key).longType().noDefaultValue());
        }
        if (key.equals(ExternalResourceOptions.getExternalResourceDriverFactoryConfigOptionForResource(resource))) {
            return Optional.of(ConfigOptions.key(key).stringType().noDefaultValue());
        }
        for (String system : new String[] {"kubernetes.config-key", "yarn.config-key"}) {
            if (key.equals(ExternalResourceOptions.getSystemConfigKeyConfigOptionForResource(resource, system))) {
                return Optional.of(ConfigOptions.key(key).stringType().noDefaultValue());
            }
        }
        String params = ExternalResourceOptions.getExternalResourceParamConfigPrefixForResource(resource);
        if (key.startsWith(params) && GPU_DRIVER_FACTORY.equals(factoryClass)
                && GPU_DRIVER_PARAMETERS.contains(key.substring(params.length()))) {
            return Optional.of(ConfigOptions.key(key).stringType().noDefaultValue());
        }
        return Optional.empty();
    }

    /** The public static ConfigOption fields of {@code type}, by key, fallback and deprecated keys too. */
    static Map<String, ConfigOption<?>> optionsOf(Class<?> type) {
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                ConfigOption<?> option = read(field);
                options.put(option.key(), option);
                for (FallbackKey fallback : option.fallbackKeys()) {
                    options.put(fallback.getKey(), option);
                }
            }
        }
        return options;
    }

    private static ConfigOption<?> read(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }

    /** Loads (and initialises) a class; empty when it or what it needs is not on the classpath. */
    private static Optional<Class<?>> load(String name) {
        try {
            return Optional.of(Class.forName(name, true, FlinkKeys.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }
}
