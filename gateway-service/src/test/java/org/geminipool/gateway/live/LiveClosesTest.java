package org.geminipool.gateway.live;

import org.geminipool.contract.Outcome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Google's closes before setupComplete, read as design §3 reads its HTTP errors. */
class LiveClosesTest {

    @Test
    void keyTextsBanTheKeyProjectTextsTheProject() {
        assertEquals(Outcome.INVALID_KEY, LiveCloses.classify(1007, "API key not valid. Please pass a valid API key.")
                .outcome());
        assertEquals(Outcome.INVALID_KEY, LiveCloses.classify(1007, "API key expired. Please renew the API key.")
                .outcome());
        assertEquals(Outcome.INVALID_KEY, LiveCloses.classify(1008,
                "Your API key was reported as leaked. Please use another API key.").outcome());
        assertEquals(Outcome.INVALID_KEY, LiveCloses.classify(1008, "Request had invalid authentication credentials."
                + " Expected OAuth 2 access token").outcome());
        assertEquals(Outcome.PROJECT_DENIED, LiveCloses.classify(1008,
                "Your project has been denied access. Please contact support.").outcome());
        assertEquals(Outcome.PROJECT_DENIED, LiveCloses.classify(1008,
                "Permission denied: Consumer 'api_key:AIzaSyD0123456789abcdefghijklmnopqrstu' has been suspended.")
                .outcome());
        assertEquals(Outcome.PERMISSION_DENIED, LiveCloses.classify(1008, "Requests to this API generativelanguage"
                + ".googleapis.com method google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
                + " are blocked.").outcome());
    }

    @Test
    void theQuotaCloseIsTheSessionLimitAndBlamesNoKey() {
        LiveCloses.Verdict v = LiveCloses.classify(1011, "You exceeded your current quota, please check your plan and"
                + " billing details. Concurrent sessions: 3");
        assertTrue(v.sessionLimit());
        assertEquals(Outcome.OVERLOADED, v.outcome());
        assertFalse(v.outcome().settlesKeyState());
    }

    @Test
    void upstreamTroubleIsRetriedAndTheClientsFaultIsReturned() {
        assertEquals(Outcome.UPSTREAM_ERROR, LiveCloses.classify(1011, "Internal error encountered.").outcome());
        assertEquals(Outcome.UPSTREAM_ERROR, LiveCloses.classify(1006, null).outcome());
        assertEquals(Outcome.OVERLOADED, LiveCloses.classify(1013, "try again later").outcome());
        assertEquals(Outcome.CLIENT_ERROR, LiveCloses.classify(1008, "models/x is not found for API version v1beta,"
                + " or is not supported for bidiGenerateContent.").outcome());
        assertEquals(Outcome.CLIENT_ERROR, LiveCloses.classify(1007, "Invalid JSON payload received.").outcome());
        assertEquals(Outcome.CLIENT_ERROR, LiveCloses.classify(1008, "Session handle is invalid or expired.").outcome());
        assertEquals(Outcome.LOCATION_UNSUPPORTED, LiveCloses.classify(1007,
                "User location is not supported for the API use.").outcome());
    }

    @Test
    void aKeyInAReasonIsMaskedAndReasonsFitACloseFrame() {
        String key = "AIzaSyD0123456789abcdefghijklmnopqrstu";
        assertFalse(LiveCloses.classify(1008, "Consumer 'api_key:" + key + "' has been suspended.").message()
                .contains(key));
        String longText = "é".repeat(200);
        String cut = LiveCloses.reason(longText);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 123);
        assertTrue(longText.startsWith(cut));
        assertEquals("short", LiveCloses.reason("short"));
    }

    @Test
    void onlySendableCodesGoToTheClient() {
        assertEquals(1011, LiveCloses.clientCode(null));
        assertEquals(1011, LiveCloses.clientCode((short) 1006));
        assertEquals(1011, LiveCloses.clientCode((short) 1005));
        assertEquals(1000, LiveCloses.clientCode((short) 1000));
        assertEquals(1008, LiveCloses.clientCode((short) 1008));
        assertEquals(4000, LiveCloses.clientCode((short) 4000));
    }
}
