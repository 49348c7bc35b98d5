package io.flinkvision.deploycheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.MetricOptions;

/**
 * Checks a Flink configuration the way Flink reads it: every key must be one Flink knows ({@link
 * FlinkKeys}), every value must parse as its option's type, and every reporter factory must be a class
 * on the classpath. Returns the problems, one line each; none means the configuration is good.
 */
final class FlinkConfigurationCheck {
    private static final String REPORTER_PREFIX = "metrics.reporter.";
    private static final String FACTORY_SUFFIX = ".factory.class";

    private final FlinkKeys keys;

    FlinkConfigurationCheck(FlinkKeys keys) {
        this.keys = keys;
    }

    List<String> problems(Configuration configuration) {
        Map<String, String> flat = new TreeMap<>(configuration.toMap());
        List<String> problems = new ArrayList<>();
        Map<String, String> reporters = reporters(flat, problems);
        Map<String, String> resources = externalResources(configuration, flat, problems);
        for (String key : flat.keySet()) {
            Optional<FlinkKeys.Known> known = keys.find(key, reporters, resources);
            if (known.isEmpty()) {
                problems.add("unknown Flink key '" + key + "'" + suggestion(key));
                continue;
            }
            if (known.get().replacement() != null) {
                problems.add("deprecated Flink key '" + key + "': use '" + known.get().replacement() + "'");
                continue;
            }
            // Read as Flink reads it: a reporter's keys from its own sub-configuration.
            Configuration scope = known.get().reporter() == null
                    ? configuration : MetricOptions.forReporter(configuration, known.get().reporter());
            try {
                scope.get(known.get().option());
            } catch (RuntimeException e) {
                problems.add("bad value for '" + key + "': '" + flat.get(key) + "' (" + e.getMessage() + ")");
            }
        }
        return problems;
    }

    /** The reporters declared by {@code metrics.reporter.<name>.factory.class}, by name. */
    private static Map<String, String> reporters(Map<String, String> flat, List<String> problems) {
        Map<String, String> reporters = new TreeMap<>();
        flat.forEach((key, value) -> {
            if (key.startsWith(REPORTER_PREFIX) && key.endsWith(FACTORY_SUFFIX)) {
                String name = key.substring(REPORTER_PREFIX.length(), key.length() - FACTORY_SUFFIX.length());
                reporters.put(name, value);
                try {
                    Class.forName(value, false, FlinkConfigurationCheck.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    problems.add("reporter '" + name + "': factory class " + value + " is not in Flink's jars");
                }
            }
        });
        return reporters;
    }

    /** The resources listed in {@code external-resources}, with their driver factory class. */
    private static Map<String, String> externalResources(
            Configuration configuration, Map<String, String> flat, List<String> problems) {
        Map<String, String> resources = new TreeMap<>();
        List<String> names;
        try {
            names = configuration.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST);
        } catch (RuntimeException e) {
            return resources; // reported as a bad value of external-resources
        }
        for (String name : names) {
            String factoryKey = ExternalResourceOptions.getExternalResourceDriverFactoryConfigOptionForResource(name);
            String factory = flat.get(factoryKey);
            if (factory == null) {
                problems.add("external resource '" + name + "' has no " + factoryKey);
            }
            resources.put(name, factory);
        }
        return resources;
    }

    /** " (did you mean 'x'?)" for a key one or two edits away from a known one, else "". */
    private String suggestion(String key) {
        return keys.closest(key).map(known -> " (did you mean '" + known + "'?)").orElse("");
    }
}
