package org.geminipool.gateway.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The first Live message: what is routed, what is pinned, what Google gets, and what is refused (1007/1008). */
class LiveSetupTest {

    private static LiveSetup.Setup parse(String json) throws LiveSetup.Refused {
        return LiveSetup.parse(json.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void theModelIsRoutedAndReplacedByTheTargets() throws Exception {
        LiveSetup.Setup s = parse("{\"setup\":{\"model\":\"models/live_alias\",\"generationConfig\":"
                + "{\"responseModalities\":[\"AUDIO\"]},\"sessionResumption\":{\"handle\":\"h-1\"}}}");
        assertEquals("live_alias", s.model());
        assertEquals("h-1", s.handle());
        var sent = new ObjectMapper().readTree(s.forModel("gemini-3.1-flash-live-preview"));
        assertEquals("models/gemini-3.1-flash-live-preview", sent.path("setup").path("model").asText());
        assertEquals("AUDIO", sent.path("setup").path("generationConfig").path("responseModalities").get(0).asText());
        assertEquals("models/live_alias", s.message().path("setup").path("model").asText(), "the original is kept");
        assertNull(parse("{\"setup\":{\"model\":\"gemini-x\",\"sessionResumption\":{}}}").handle());
    }

    @Test
    void anythingElseIsRefusedWithACodeTheClientCanRead() {
        for (String bad : new String[] {"not json", "[1]", "{\"clientContent\":{}}", "{\"setup\":[]}", "{\"setup\":{}}",
                "{\"setup\":{\"model\":7}}", "\"setup\""}) {
            LiveSetup.Refused r = assertThrows(LiveSetup.Refused.class, () -> parse(bad), bad);
            assertEquals(1007, r.code(), bad);
        }
        for (String bad : new String[] {"{\"setup\":{\"model\":\"models/a b\"}}", "{\"setup\":{\"model\":\"../x\"}}",
                "{\"setup\":{\"model\":\"" + "m".repeat(200) + "\"}}"}) {
            assertEquals(1008, assertThrows(LiveSetup.Refused.class, () -> parse(bad), bad).code(), bad);
        }
        String deep = "{\"setup\":{\"model\":\"m\",\"x\":" + "[".repeat(500) + "]".repeat(500) + "}}";
        assertEquals(1007, assertThrows(LiveSetup.Refused.class, () -> parse(deep)).code());
    }

    @Test
    void anEphemeralTokensModelServesASetupThatNamesNone() throws Exception {
        assertEquals("gemini-live", LiveSetup.parse("{\"setup\":{}}".getBytes(StandardCharsets.UTF_8),
                "models/gemini-live").model());
    }
}
