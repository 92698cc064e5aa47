package org.geminipool.common.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SettingsReportTest {

    @Test
    void namesOutsideTheKnownSettingsAreReported() {
        Map<String, String> env = Map.of("GEMINI_POOL_DB_URL", "mysql://db:3306", "GEMINI_POOL_DB_URLL", "typo",
                "GEMINI_POOL_ADMIN_TOKN", "x", "PATH", "/usr/bin", "GEMINI_BASE_URL", "http://x");
        assertEquals(List.of("GEMINI_POOL_ADMIN_TOKN", "GEMINI_POOL_DB_URLL"),
                SettingsReport.unknown(env, Set.of("GEMINI_POOL_DB_URL", "GEMINI_POOL_ADMIN_TOKEN")));
    }

    @Test
    void theKnownSettingsAreExactlyTheReadmeConfigurationTable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`(GEMINI_POOL_[A-Z0-9_]+)`").matcher(section);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(documented, new TreeSet<>(SettingsReport.knownSettings()));
    }
}
