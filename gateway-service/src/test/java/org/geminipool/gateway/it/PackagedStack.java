package org.geminipool.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.testsupport.ServiceProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the black-box tests of the packaged gateway share: the tokens, an HTTP client, key import into a keypool
 * process, a gateway's config in front of given keypool and usage processes, and one generateContent call.
 */
final class PackagedStack {

    static final String CLIENT = "it-client-token";
    static final String ADMIN = "it-admin-token";
    static final String INTERNAL = "it-internal-token";
    static final String SPILL_DIR = "gemini-pool.usage.spill-dir";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PackagedStack() {
    }

    /** The processes a test class started, closed (killed if need be) after it. */
    static final class Started implements AutoCloseable {
        private final List<ServiceProcess> processes = new ArrayList<>();

        ServiceProcess add(ServiceProcess p) {
            processes.add(p);
            return p;
        }

        @Override
        public void close() {
            processes.forEach(ServiceProcess::close);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An admin call to a keypool or usage process. */
    static HttpResponse<String> admin(ServiceProcess service, String method, String path, String contentType,
                                      String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", "Bearer " + ADMIN);
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Imports the keys, each in its simulator project, into {@code pool}; answers apiKey → keypool id. */
    static Map<String, String> importKeys(ServiceProcess keypool, String pool, List<String> keys) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String k : keys) {
            body.append(k).append(" pool=").append(pool).append(" project=").append(GeminiSimulator.ownProject(k))
                    .append('\n');
        }
        HttpResponse<String> answer = admin(keypool, "POST", "/admin/keys/import", "text/plain", body.toString());
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode imported = JSON.readTree(answer.body()).path("keys");
        assertEquals(keys.size(), imported.size(), answer.body());
        Map<String, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            assertTrue(imported.get(i).path("masked").asText().endsWith(key.substring(key.length() - 4)));
            ids.put(key, imported.get(i).path("id").asText());
        }
        return ids;
    }

    /**
     * A gateway in front of {@code keypool} and {@code usage}, Google and OpenRouter being the simulator, with a usage
     * spill folder of its own ({@code SPILL_DIR}; a folder serves one gateway process).
     */
    static Map<String, String> gatewayConfig(ServiceProcess keypool, ServiceProcess usage, GeminiSimulator sim) {
        Map<String, String> gw = new HashMap<>();
        gw.put("gemini-pool.client-tokens", CLIENT);
        gw.put("gemini-pool.internal-token", INTERNAL);
        gw.put("gemini-pool.keypool-url", keypool.baseUrl());
        gw.put("gemini-pool.usage-url", usage.baseUrl());
        gw.put("gemini-pool.gemini-base-url", sim.baseUrl());
        gw.put("gemini-pool.openrouter-base-url", sim.baseUrl() + "/api/v1");
        gw.put(SPILL_DIR, Path.of("target", "it-usage-spill-" + System.nanoTime()).toAbsolutePath().toString());
        return gw;
    }

    /** One client generateContent call for {@code model} through {@code gateway}. */
    static HttpResponse<String> generate(ServiceProcess gateway, String model, String text) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1beta/models/" + model
                        + ":generateContent"))
                .header("Authorization", "Bearer " + CLIENT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}")));
    }
}
