package org.geminipool.gateway.e2e;

import io.vertx.core.json.JsonObject;
import org.geminipool.simulator.LiveTestClient;

import java.time.Duration;
import java.util.Map;

/**
 * The simulator's raw Live API client ({@link LiveTestClient}) with the gateway tests' waits (15 s a message, 20 s for
 * the close frame, at most 500 messages to find one) and their setup and text-turn shapes.
 */
final class LiveClient extends LiveTestClient {

    private LiveClient() {
        super(Duration.ofSeconds(15), Duration.ofSeconds(20), 500);
    }

    static LiveClient connect(String baseUrl, String pathAndQuery, Map<String, String> headers) throws Exception {
        LiveClient c = new LiveClient();
        c.open(baseUrl, pathAndQuery, headers);
        return c;
    }

    static LiveClient withKey(String baseUrl, String token) throws Exception {
        return connect(baseUrl, PATH + "?key=" + token, Map.of());
    }

    static String setup(String model, String extra) {
        return "{\"setup\":{\"model\":\"models/" + model + "\",\"generationConfig\":{\"responseModalities\":[\"TEXT\"]}"
                + (extra == null ? "" : "," + extra) + "}}";
    }

    /** A text turn, answered; the reply's text. */
    String turn(String text) throws Exception {
        send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":" + GatewayTestBase.quote(text)
                + "}]}],\"turnComplete\":true}}");
        StringBuilder reply = new StringBuilder();
        JsonObject m;
        while (!(m = next()).containsKey("usageMetadata")) {
            JsonObject sc = m.getJsonObject("serverContent");
            if (sc != null && sc.containsKey("modelTurn")) {
                reply.append(sc.getJsonObject("modelTurn").getJsonArray("parts").getJsonObject(0).getString("text"));
            }
        }
        return reply.toString();
    }
}
