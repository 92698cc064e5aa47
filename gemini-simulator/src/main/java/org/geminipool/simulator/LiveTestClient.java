package org.geminipool.simulator;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw Live API client (gemini-api-2026.md §10) for the tests that drive the simulator, or a gateway in front of it,
 * over the JDK WebSocket: collects every server message (JSON in text or binary frames, reassembled) and the close
 * frame. Waits are bounded polls of what arrived, never timed assertions; a wait that ends empty-handed throws an
 * {@link AssertionError}, as a test assertion would. Test-facing, like the simulator itself: never used in production.
 */
public class LiveTestClient implements WebSocket.Listener {

    /** The Live API's WebSocket path. */
    public static final String PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

    private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final Duration messageWait;
    private final Duration closeWait;
    private final int untilAtMost;
    private WebSocket ws;

    /**
     * A client not yet connected ({@link #open}): {@link #next} waits up to {@code messageWait} for a message,
     * {@link #until} reads at most {@code untilAtMost} of them, {@link #close} waits up to {@code closeWait}.
     */
    public LiveTestClient(Duration messageWait, Duration closeWait, int untilAtMost) {
        this.messageWait = messageWait;
        this.closeWait = closeWait;
        this.untilAtMost = untilAtMost;
    }

    /** Connects to {@code baseUrl} (http or https, turned into ws or wss) plus {@code pathAndQuery}, within 10 s. */
    public void open(String baseUrl, String pathAndQuery, Map<String, String> headers) throws Exception {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(b::header);
        ws = b.buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws").replaceAll("/$", "") + pathAndQuery), this)
                .get(10, TimeUnit.SECONDS);
    }

    /** The socket (for a close frame of the client's own, or an abort). */
    public WebSocket socket() {
        return ws;
    }

    /** Every server message not read yet, in order. */
    public BlockingQueue<JsonObject> messages() {
        return messages;
    }

    public void send(String json) throws Exception {
        ws.sendText(json, true).get(10, TimeUnit.SECONDS);
    }

    public void sendBinary(String json) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), true).get(10, TimeUnit.SECONDS);
    }

    /** The next server message. */
    public JsonObject next() throws InterruptedException {
        JsonObject m = messages.poll(messageWait.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("a server message within " + messageWait.toSeconds() + " s; closes: " + closes);
        }
        return m;
    }

    /** Messages until one has {@code field}. */
    public JsonObject until(String field) throws InterruptedException {
        for (int i = 0; i < untilAtMost; i++) {
            JsonObject m = next();
            if (m.containsKey(field)) {
                return m;
            }
        }
        throw new AssertionError("no " + field);
    }

    /** The close frame as "code reason" ("error …" when the connection failed instead). */
    public String close() throws InterruptedException {
        String c = closes.poll(closeWait.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionError("a close frame within " + closeWait.toSeconds() + " s; messages: " + messages);
        }
        return c;
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
