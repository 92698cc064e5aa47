package org.geminipool.gateway.e2e;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A raw Live API client for the gateway's tests (JDK WebSocket): collects every server message (text or binary JSON)
 * and the close frame. Waits are bounded polls of what arrived, never timed assertions.
 */
final class LiveClient implements WebSocket.Listener {

    static final String PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

    final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket ws;

    static LiveClient connect(String baseUrl, String pathAndQuery, Map<String, String> headers) throws Exception {
        LiveClient c = new LiveClient();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(b::header);
        c.ws = b.buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws").replaceAll("/$", "") + pathAndQuery), c)
                .get(10, TimeUnit.SECONDS);
        return c;
    }

    static LiveClient withKey(String baseUrl, String token) throws Exception {
        return connect(baseUrl, PATH + "?key=" + token, Map.of());
    }

    static String setup(String model, String extra) {
        return "{\"setup\":{\"model\":\"models/" + model + "\",\"generationConfig\":{\"responseModalities\":[\"TEXT\"]}"
                + (extra == null ? "" : "," + extra) + "}}";
    }

    void send(String json) throws Exception {
        ws.sendText(json, true).get(10, TimeUnit.SECONDS);
    }

    void sendBinary(String json) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), true).get(10, TimeUnit.SECONDS);
    }

    JsonObject next() throws InterruptedException {
        JsonObject m = messages.poll(15, TimeUnit.SECONDS);
        assertNotNull(m, "a server message within 15 s; closes: " + closes);
        return m;
    }

    /** Messages until one has {@code field}. */
    JsonObject until(String field) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            JsonObject m = next();
            if (m.containsKey(field)) {
                return m;
            }
        }
        throw new AssertionError("no " + field);
    }

    /** The close frame as "code reason". */
    String close() throws InterruptedException {
        String c = closes.poll(20, TimeUnit.SECONDS);
        assertNotNull(c, "a close frame within 20 s; messages: " + messages);
        return c;
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

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        partial.append(StandardCharsets.UTF_8.decode(data));
        if (last) {
            messages.add(new JsonObject(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        return onBinary(webSocket, StandardCharsets.UTF_8.encode(data.toString()), last);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closes.add(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closes.add("error " + error);
    }
}
