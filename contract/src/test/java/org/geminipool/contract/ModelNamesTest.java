package org.geminipool.contract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelNamesTest {

    @Test
    void googleIdsAndAliasesPassAndPathTricksDoNot() {
        for (String ok : new String[] {"gemini-2.5-flash", "models/gemini-3-pro-preview", "flash_lite_pool", "a.b"}) {
            assertTrue(ModelNames.valid(ok), ok);
        }
        for (String bad : new String[] {"", "..", ".hidden", "a/b", "models/", "gemini flash", "x%2Fy", "a\nb",
                "m".repeat(ModelNames.MAX_LENGTH + 1), "models/../files"}) {
            assertFalse(ModelNames.valid(bad), bad);
        }
    }

    @Test
    void errorMessagesShowOnlyPrintableAsciiAndAtMost64Characters() {
        assertEquals("a?b", ModelNames.shown("a\u0000b"));
        assertEquals(65, ModelNames.shown("x".repeat(500)).length());
        assertTrue(ModelNames.problem("a'b").contains("'a?b'"));
        assertEquals("gemini-2.5-flash", ModelNames.bare("models/gemini-2.5-flash"));
    }
}
