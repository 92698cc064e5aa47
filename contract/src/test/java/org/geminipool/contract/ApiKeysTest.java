package org.geminipool.contract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    // Generated fakes of each kind Google issues (design §3): none of them is or was a real key.
    static final String STANDARD = "AIzaSyFAKE0000000000000000000000000abcd";
    static final String AUTH = "AQ.Ab8RN6FAKEfake_fake-FAKE.fake0123456789xyzWXYZ";
    static final String AUTH_IQ = "IQ.Zz9FAKEfakefakefakefake-0987654321lmno";

    @Test
    void everyKindIsAKeyAndNothingPinsAPrefixOrLength() {
        for (String k : new String[]{STANDARD, AUTH, AUTH_IQ, "sk-some-future-kind-of-key-0123456789"}) {
            assertNull(ApiKeys.problem(k), k);
        }
    }

    @Test
    void onlyWhatCannotBeAKeyIsRejected() {
        assertNotNull(ApiKeys.problem("AIza with space 000000000000000000000"));
        assertNotNull(ApiKeys.problem("AQ.abc\tdefghijklmnopqrstuvwxyz"));
        assertNotNull(ApiKeys.problem("AQ.abc\u0007defghijklmnopqrstuvwxyz"));
        assertNotNull(ApiKeys.problem("AQ.abcdéfghijklmnopqrstuvwxyz"));
        assertNotNull(ApiKeys.problem("short"));
        assertNotNull(ApiKeys.problem("A".repeat(ApiKeys.MAX_LENGTH + 1)));
        assertNotNull(ApiKeys.problem(""));
    }

    @Test
    void maskShowsFourAndFour() {
        assertEquals("AIza…abcd", ApiKeys.mask(STANDARD));
        assertEquals("AQ.A…WXYZ", ApiKeys.mask(AUTH));
    }

    @Test
    void scrubMasksEveryKindInFreeText() {
        String text = "Consumer 'api_key:" + AUTH + "' and " + STANDARD + " and " + AUTH_IQ + ".";
        String scrubbed = ApiKeys.scrub(text);
        for (String k : new String[]{STANDARD, AUTH, AUTH_IQ}) {
            assertFalse(scrubbed.contains(k), scrubbed);
            assertTrue(scrubbed.contains(ApiKeys.mask(k)), scrubbed);
        }
    }

    @Test
    void scrubMasksTheKnownKeyOfAnyShape() {
        String odd = "future_key_kind_0123456789abcdef";
        assertFalse(ApiKeys.scrub("key " + odd + " refused", odd).contains(odd));
        assertEquals("nothing here", ApiKeys.scrub("nothing here", odd));
    }
}
