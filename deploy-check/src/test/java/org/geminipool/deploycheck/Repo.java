package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository as files: paths, YAML, README table, service properties, and the kustomize subset k8s/ uses. */
final class Repo {

    static final List<String> SERVICES = List.of("gateway-service", "keypool-service", "usage-service");

    static final Path ROOT = findRoot();

    private Repo() {
    }

    private static Path findRoot() {
        String configured = System.getProperty("gemini-pool.root");
        Path start = configured != null ? Paths.get(configured) : Paths.get("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s")) && Files.isRegularFile(p.resolve("README.md"))
                    && Files.isDirectory(p.resolve("gateway-service"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found from " + start);
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        return read(path(relative));
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(String relative) {
        Object o = yaml().load(read(relative));
        assertTrue(o instanceof Map, relative + " is not a YAML mapping");
        return (Map<String, Object>) o;
    }

    /** All documents of a YAML file (empty documents dropped). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocs(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : yaml().loadAll(read(file))) {
            if (o == null) {
                continue;
            }
            assertTrue(o instanceof Map, file + ": a document is not a mapping");
            docs.add((Map<String, Object>) o);
        }
        return docs;
    }

    // ---------------------------------------------------------------- README

    /** README "Configuration" table: env variable name to its "used by" cell. */
    static Map<String, String> readmeEnvTable() {
        Map<String, String> vars = new LinkedHashMap<>();
        boolean inConfig = false;
        Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
        for (String line : read("README.md").split("\n")) {
            if (line.startsWith("## ")) {
                inConfig = line.toLowerCase().contains("configuration");
                continue;
            }
            if (!inConfig || !line.startsWith("|")) {
                continue;
            }
            String[] cells = line.split("\\|");
            if (cells.length < 3) {
                continue;
            }
            Matcher m = name.matcher(cells[1]);
            while (m.find()) {
                vars.put(m.group(1), cells[2].trim());
            }
        }
        assertFalse(vars.isEmpty(), "README.md has no Configuration table with env variables");
        return vars;
    }

    /** The table's stable names (design §10), printed in bold. */
    static Set<String> readmeStableVars() {
        Set<String> result = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("\\*\\*`([A-Z][A-Z0-9_]+)`\\*\\*").matcher(read("README.md"));
        while (m.find()) {
            result.add(m.group(1));
        }
        assertFalse(result.isEmpty(), "README.md marks no stable (bold) env variable");
        return result;
    }

    /** Table variables that one of the three services reads (not those only run.sh reads). */
    static Set<String> serviceEnvVars() {
        Map<String, String> table = readmeEnvTable();
        Set<String> result = new java.util.TreeSet<>();
        table.forEach((var, usedBy) -> {
            if (usedBy.matches("(?i).*\\b(gateway|keypool|usage|all)\\b.*")) {
                result.add(var);
            }
        });
        return result;
    }

    /** The README table's variables whose "used by" names {@code word} (gateway, keypool, usage) or "all". */
    static Set<String> readmeVarsOf(String word) {
        Set<String> result = new java.util.TreeSet<>();
        readmeEnvTable().forEach((var, usedBy) -> {
            if (usedBy.matches("(?i).*\\b(" + word + "|all)\\b.*")) {
                result.add(var);
            }
        });
        return result;
    }

    /** A space-separated list assigned in deploy/secrets-init.sh, e.g. SECRETS_gateway or SETTINGS_keypool. */
    static Set<String> secretsInitList(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=\"([^\"]*)\"").matcher(read("deploy/secrets-init.sh"));
        assertTrue(m.find(), "deploy/secrets-init.sh does not set " + name);
        return new java.util.TreeSet<>(List.of(m.group(1).trim().split("\\s+")));
    }

    // ---------------------------------------------------------------- services

    static Properties applicationProperties(String service) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(read(service + "/src/main/resources/application.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static int httpPort(String service) {
        String port = applicationProperties(service).getProperty("quarkus.http.port");
        if (port == null) {
            fail(service + ": application.properties sets no quarkus.http.port");
        }
        return Integer.parseInt(port.trim());
    }

    // ---------------------------------------------------------------- kustomize subset

    private static final Set<String> KUSTOMIZATION_KEYS = Set.of("apiVersion", "kind", "namespace", "labels",
            "resources");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass");

    /**
     * Renders k8s/ the way `kubectl kustomize` does for the features it uses: resources (files), namespace and
     * labels without includeSelectors. Anything else in kustomization.yaml fails, so this stays faithful.
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> renderKustomization(Path dir) {
        Map<String, Object> k = (Map<String, Object>) yaml().load(read(dir.resolve("kustomization.yaml")));
        for (String key : k.keySet()) {
            assertTrue(KUSTOMIZATION_KEYS.contains(key), "kustomization.yaml uses '" + key
                    + "', which deploy-check's renderer does not implement (keep to " + KUSTOMIZATION_KEYS + ")");
        }
        assertEquals("Kustomization", k.get("kind"));
        String namespace = (String) k.get("namespace");
        Map<String, String> labels = new LinkedHashMap<>();
        for (Object entry : (List<Object>) k.getOrDefault("labels", List.of())) {
            Map<String, Object> l = (Map<String, Object>) entry;
            for (String key : l.keySet()) {
                assertTrue(Set.of("pairs", "includeSelectors").contains(key),
                        "labels." + key + " is not implemented by deploy-check's renderer");
            }
            assertFalse(Boolean.TRUE.equals(l.get("includeSelectors")),
                    "labels with includeSelectors: true are not implemented by deploy-check's renderer");
            ((Map<String, Object>) l.get("pairs")).forEach((a, b) -> labels.put(a, String.valueOf(b)));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object r : (List<Object>) k.get("resources")) {
            Path file = dir.resolve((String) r);
            assertTrue(Files.isRegularFile(file), "resource " + r + " is not a file in " + dir);
            for (Map<String, Object> doc : yamlDocs(file)) {
                Map<String, Object> meta = (Map<String, Object>) doc.computeIfAbsent("metadata",
                        x -> new LinkedHashMap<>());
                if (namespace != null && !CLUSTER_SCOPED.contains(String.valueOf(doc.get("kind")))) {
                    meta.put("namespace", namespace);
                }
                if (!labels.isEmpty()) {
                    Map<String, Object> l = (Map<String, Object>) meta.computeIfAbsent("labels",
                            x -> new LinkedHashMap<>());
                    l.putAll(labels);
                }
                out.add(doc);
            }
        }
        return out;
    }
}
