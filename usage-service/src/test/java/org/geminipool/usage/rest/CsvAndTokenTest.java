package org.geminipool.usage.rest;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fast tests without Quarkus. */
class CsvAndTokenTest {

    @Test
    void csvEscaping() {
        assertEquals("plain", Csv.escape("plain"));
        assertEquals("", Csv.escape(null));
        assertEquals("\"a,b\"", Csv.escape("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.escape("say \"hi\""));
        assertEquals("\"two\nlines\"", Csv.escape("two\nlines"));
        assertEquals("\"cr\rhere\"", Csv.escape("cr\rhere"));
    }

    @Test
    void unsetTokenRefusesEveryone() {
        assertFalse(TokenFilters.authorized(Optional.empty(), "Bearer anything"));
        assertFalse(TokenFilters.authorized(Optional.empty(), null));
        assertFalse(TokenFilters.authorized(Optional.of(" "), "Bearer  "));
        assertTrue(TokenFilters.authorized(Optional.of("s3cret"), "Bearer s3cret"));
        assertTrue(TokenFilters.authorized(Optional.of("s3cret"), "bearer s3cret"));
        assertFalse(TokenFilters.authorized(Optional.of("s3cret"), "s3cret"));
        assertFalse(TokenFilters.authorized(Optional.of("s3cret"), "Bearer s3cre"));
    }

    @Test
    void csvNegotiation() {
        assertTrue(QueryResource.wantsCsv("text/csv", null));
        assertTrue(QueryResource.wantsCsv("text/csv;q=0.9, application/json;q=0.5", null));
        assertFalse(QueryResource.wantsCsv("application/json", null));
        assertFalse(QueryResource.wantsCsv(null, null));
        assertTrue(QueryResource.wantsCsv(null, "CSV"));
        assertFalse(QueryResource.wantsCsv("text/csv", "json"));
    }
}
