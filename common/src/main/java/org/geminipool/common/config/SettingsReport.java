package org.geminipool.common.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reports at start every {@code GEMINI_POOL_*} environment variable that is not a Gemini Pool setting: a misspelt
 * name would otherwise be ignored silently and its default used. (Unknown {@code quarkus.*} keys Quarkus reports itself.)
 */
@ApplicationScoped
public class SettingsReport {

    private static final Logger LOG = Logger.getLogger(SettingsReport.class);
    static final String KNOWN_SETTINGS = "gemini-pool-settings.txt";

    void onStart(@Observes StartupEvent event) {
        for (String name : unknown(System.getenv(), knownSettings())) {
            LOG.warnf("unknown setting %s is ignored: no Gemini Pool setting has this name (see the README's "
                    + "Configuration table)", name);
        }
    }

    /** The {@code GEMINI_POOL_*} names of {@code environment} that are not in {@code known}, sorted. */
    static List<String> unknown(Map<String, String> environment, Set<String> known) {
        return environment.keySet().stream()
                .filter(name -> name.startsWith("GEMINI_POOL_") && !known.contains(name))
                .sorted().collect(Collectors.toList());
    }

    static Set<String> knownSettings() {
        try (InputStream in = SettingsReport.class.getClassLoader().getResourceAsStream(KNOWN_SETTINGS)) {
            if (in == null) {
                throw new IllegalStateException(KNOWN_SETTINGS + " missing from the class path");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
