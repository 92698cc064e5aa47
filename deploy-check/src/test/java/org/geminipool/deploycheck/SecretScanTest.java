package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * No Google API key of any kind Google issues (standard {@code AIza} + 35 characters, auth keys {@code AQ.…} /
 * {@code IQ.…}) in any committed file outside test code.
 */
class SecretScanTest {

    static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_\\-]{35}|\\b[AI]Q\\.[0-9A-Za-z_\\-]{6,}\\.[0-9A-Za-z_.\\-]{20,}");

    /** Committed files (git ls-files); without git, every file outside build output and local data. */
    static List<Path> committedFiles() throws Exception {
        try {
            Process p = new ProcessBuilder("git", "-C", Repo.ROOT.toString(), "ls-files", "-z").start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.length > 0) {
                return Stream.of(new String(out, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty())
                        .map(Repo.ROOT::resolve).collect(Collectors.toList());
            }
        } catch (IOException noGit) {
            // fall through
        }
        try (Stream<Path> walk = Files.walk(Repo.ROOT)) {
            return walk.filter(Files::isRegularFile).filter(f -> {
                String rel = Repo.ROOT.relativize(f).toString();
                return !rel.matches("(.*/)?(target|node_modules|\\.git|data)/.*");
            }).collect(Collectors.toList());
        }
    }

    static boolean isTestCode(String rel) {
        return rel.contains("/src/test/") || rel.startsWith("src/test/");
    }

    @Test
    void patternFindsAKeyShapedString() {
        String fake = "AIza" + "Sy" + "A".repeat(33);
        assertTrue(GOOGLE_KEY.matcher("key=" + fake).find());
        assertFalse(GOOGLE_KEY.matcher("AIza-too-short").find());
        String auth = "AQ." + "Ab8RN6" + "." + "x".repeat(40);
        assertTrue(GOOGLE_KEY.matcher("x-goog-api-key: " + auth).find());
        assertTrue(GOOGLE_KEY.matcher(auth.replace("AQ.", "IQ.")).find());
        assertFalse(GOOGLE_KEY.matcher("AQ.short").find());
    }

    @Test
    void noGoogleKeyOutsideTestCode() throws Exception {
        List<String> hits = new ArrayList<>();
        int scanned = 0;
        for (Path f : committedFiles()) {
            String rel = Repo.ROOT.relativize(f).toString();
            if (isTestCode(rel) || !Files.isRegularFile(f) || Files.size(f) > 5_000_000) {
                continue;
            }
            scanned++;
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            var m = GOOGLE_KEY.matcher(text);
            if (m.find()) {
                hits.add(rel + " (" + m.group().substring(0, 8) + "…)");
            }
        }
        assertTrue(scanned > 20, "scanned only " + scanned + " files");
        assertTrue(hits.isEmpty(), "Google-format API keys in committed non-test files: " + hits);
    }
}
