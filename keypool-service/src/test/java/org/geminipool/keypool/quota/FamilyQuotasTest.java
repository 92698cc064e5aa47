package org.geminipool.keypool.quota;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FamilyQuotasTest {

    private static FamilyQuotas.FamilyQuota row(String pattern, long rpm) {
        return new FamilyQuotas.FamilyQuota(pattern, rpm, 1_000L, 250_000L, null);
    }

    @Test
    void theLongestPatternWinsAndTheMemoIsDroppedWhenTheRowsChange() {
        FamilyQuotas families = new FamilyQuotas();
        families.use(List.of(row("*flash*", 10), row("*flash-lite*", 15)));
        assertEquals(15L, families.match("gemini-3.5-flash-lite").rpm());
        assertEquals(15L, families.match("gemini-3.5-flash-lite").rpm(), "remembered: same answer");
        assertNull(families.match("gemini-4-argon"));
        families.use(List.of(row("*flash*", 10))); // an admin deleted the flash-lite row
        assertEquals(10L, families.match("gemini-3.5-flash-lite").rpm(), "no stale answer from the old rows' memo");
        assertEquals(1, families.memoSize());
    }

    @Test
    void aClientNamingEndlessModelsCannotGrowTheMemoPastItsBound() {
        FamilyQuotas families = new FamilyQuotas();
        families.use(List.of(row("*flash*", 10)));
        for (int i = 0; i < FamilyQuotas.MEMO_LIMIT * 3; i++) {
            String model = "gemini-made-up-" + i + (i % 2 == 0 ? "-flash" : "");
            var found = families.match(model);
            assertEquals(i % 2 == 0 ? Long.valueOf(10) : null, found == null ? null : found.rpm(), model);
        }
        assertEquals(FamilyQuotas.MEMO_LIMIT, families.memoSize());
        assertEquals(10L, families.match("gemini-3.8-flash").rpm(), "past the bound: still matched, not remembered");
        assertEquals(FamilyQuotas.MEMO_LIMIT, families.memoSize());
    }
}
