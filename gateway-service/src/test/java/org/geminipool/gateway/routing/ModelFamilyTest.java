package org.geminipool.gateway.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Family reading of today's IDs (shared/reference/gemini-api-2026.md §1.1–1.2) and the resolution rule. */
class ModelFamilyTest {

    /** models.list of the 2026 catalogue, in Google's order. */
    static final List<String> LISTED = List.of("gemini-3.8-flash", "gemini-3.6-flash", "gemini-3-flash-preview",
            "gemini-3.5-flash-lite", "gemini-3.1-flash-lite", "gemini-4-argon", "gemini-3.1-pro-preview",
            "gemini-3.1-pro-preview-customtools", "gemini-3.1-flash-image", "gemini-3-pro-image",
            "gemini-3.1-flash-lite-image", "gemini-3.1-flash-tts-preview", "gemini-3.1-flash-live-preview",
            "gemini-embedding-2", "gemini-embedding-001", "gemma-4-31b-it", "gemini-flash-latest",
            "gemini-flash-lite-latest", "gemini-pro-latest", "gemini-2.5-flash");

    @Test
    void readsFamilyVersionAndStage() {
        ModelFamily f = ModelFamily.parse("models/gemini-3.5-flash-lite").orElseThrow();
        assertEquals("flash-lite", f.family());
        assertEquals(List.of(3, 5), f.version());
        assertEquals(false, f.preview());
        assertEquals("pro-customtools", ModelFamily.parse("gemini-3.1-pro-preview-customtools").orElseThrow().family());
        assertEquals("flash-lite", ModelFamily.parse("gemini-2.5-flash-lite-preview-09-2025").orElseThrow().family());
        assertEquals(List.of(2, 5), ModelFamily.parse("gemini-2.5-flash-lite-preview-09-2025").orElseThrow().version());
        assertEquals(List.of(1), ModelFamily.parse("gemini-embedding-001").orElseThrow().version());
        ModelFamily latest = ModelFamily.parse("gemini-flash-lite-latest").orElseThrow();
        assertTrue(latest.latestAlias());
        assertEquals("flash-lite", latest.family());
        assertEquals(Optional.empty(), ModelFamily.parse("text-embedding-3-small"));
    }

    @Test
    void aFamilyResolvesToItsNewestStableThenPreviewThenTheLatestAlias() {
        assertEquals("gemini-3.8-flash", ModelFamily.resolve("flash", LISTED).orElseThrow());
        assertEquals("gemini-3.5-flash-lite", ModelFamily.resolve("flash-lite", LISTED).orElseThrow());
        assertEquals("gemini-3.1-pro-preview", ModelFamily.resolve("pro", LISTED).orElseThrow(),
                "no stable pro: the newest preview (customtools is another family)");
        assertEquals("gemini-3.1-flash-image", ModelFamily.resolve("flash-image", LISTED).orElseThrow());
        assertEquals("gemini-embedding-2", ModelFamily.resolve("embedding", LISTED).orElseThrow());
        assertEquals("gemini-pro-latest", ModelFamily.resolve("pro", List.of("gemini-pro-latest")).orElseThrow());
        assertEquals(Optional.empty(), ModelFamily.resolve("ultra", LISTED));
        // Versions compare as numbers: 3.10 is newer than 3.9.
        assertEquals("gemini-3.10-flash", ModelFamily.resolve("flash",
                List.of("gemini-3.9-flash", "gemini-3.10-flash")).orElseThrow());
    }
}
