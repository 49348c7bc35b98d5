package io.flinkvision.deploycheck;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Reads a manifest into the Flink Kubernetes Operator's own {@link FlinkDeployment} classes, strictly:
 * the operator's spec classes say {@code @JsonIgnoreProperties(ignoreUnknown = true)}, which would let
 * a misspelt field ({@code upgradMode}) pass silently, so a mix-in turns that off for every class of
 * the operator's API; and the Kubernetes model classes (pod templates) keep unknown fields in their
 * {@code additionalProperties}, which {@link #unknownFields} reports.
 */
final class OperatorClasses {
    private static final String OPERATOR_API = "org/apache/flink/kubernetes/operator/api/";

    @JsonIgnoreProperties(ignoreUnknown = false)
    private interface Strict {}

    private final ObjectMapper mapper;

    OperatorClasses() throws IOException {
        mapper = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        int strict = 0;
        for (Class<?> type : operatorApiClasses()) {
            mapper.addMixIn(type, Strict.class);
            strict++;
        }
        if (strict < 10) {
            throw new IllegalStateException("found only " + strict + " classes of the operator API on the classpath");
        }
    }

    /**
     * @param manifest the manifest as a tree; its flinkVersion is replaced by {@code stand-in}, since the
     *     operator API that resolves here (1.10) has no constant for Flink 2.x (see DeploymentManifestsTest)
     * @throws IOException when a field is unknown or a value does not fit its type
     */
    FlinkDeployment read(JsonNode manifest, String flinkVersionStandIn) throws IOException {
        ObjectNode copy = manifest.deepCopy();
        ((ObjectNode) copy.get("spec")).put("flinkVersion", flinkVersionStandIn);
        return mapper.treeToValue(copy, FlinkDeployment.class);
    }

    /** "path.to.field" of every field a Kubernetes model class did not know, anywhere in {@code root}. */
    static List<String> unknownFields(Object root) {
        List<String> unknown = new ArrayList<>();
        walk(root, "", unknown, new IdentityHashMap<>());
        return unknown;
    }

    private static void walk(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node.getClass().isArray() || !isModel(node.getClass())) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String field = path + (path.isEmpty() ? "" : ".") + decapitalize(getter.getName().substring(3));
            if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                extra.keySet().forEach(key -> unknown.add(path + (path.isEmpty() ? "" : ".") + key));
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((key, item) -> walk(item, field + "." + key, unknown, seen));
            } else {
                walk(value, field, unknown, seen);
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return name.startsWith("io.fabric8.kubernetes.api.model.") || name.startsWith("org.apache.flink.kubernetes.operator.api.");
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    private static List<Class<?>> operatorApiClasses() throws IOException {
        List<Class<?>> classes = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("flink-kubernetes-operator-api")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith(OPERATOR_API) && name.endsWith(".class")) {
                        try {
                            classes.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                                    OperatorClasses.class.getClassLoader()));
                        } catch (ClassNotFoundException | LinkageError e) {
                            // a class that needs what is not here (the operator's own runtime) is not in manifests
                        }
                    }
                }
            }
        }
        return classes;
    }
}
