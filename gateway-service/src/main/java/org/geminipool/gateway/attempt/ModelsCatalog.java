package org.geminipool.gateway.attempt;

import org.geminipool.gateway.metrics.GatewayMetrics;
import org.geminipool.gateway.http.Operation;
import org.geminipool.gateway.http.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.routing.RouteRule;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.routing.Routes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model lists and lookups: served from the upstream through any healthy key, cached for GEMINI_POOL_MODELS_CACHE_TTL,
 * with the route aliases (e.g. {@code flash_lite_pool}) added as extra model names. An alias is answered locally.
 */
@ApplicationScoped
public class ModelsCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Cached(long expiresAtNanos, String contentType, String body) {
    }

    @Inject
    GatewayConfig config;

    @Inject
    RouteTable routes;

    @Inject
    GatewayMetrics metrics;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    String cacheKey(Exchange ex) {
        return ex.call.operation() + "|" + ex.call.apiVersion() + "|" + ex.call.pathModel() + "|"
                + ex.ctx.request().getParam("pageSize") + "|" + ex.ctx.request().getParam("pageToken");
    }

    /**
     * The stage's entry: a lookup of a route alias, or a list/get answered within the cache's TTL, is answered here
     * (true); otherwise the request goes to the attempt loop and its answer comes back through {@link #upstreamAnswer}.
     */
    public boolean answerLocally(Exchange ex) {
        String alias = aliasModel(ex);
        if (alias != null) {
            org.geminipool.gateway.http.GatewayResponses.json(ex.ctx, 200, alias, ex.requestId);
            return true;
        }
        Cached cached = cached(ex);
        if (cached == null) {
            return false;
        }
        ex.ctx.response().setStatusCode(200)
                .putHeader("Content-Type", cached.contentType() == null ? "application/json" : cached.contentType())
                .putHeader("x-request-id", ex.requestId).end(cached.body());
        return true;
    }

    /** The stage's exit: the upstream's answer (lists with the aliases added), stored for the next lookups. */
    io.vertx.core.buffer.Buffer upstreamAnswer(Exchange ex, String contentType, io.vertx.core.buffer.Buffer body) {
        String text = body.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (ex.call.operation() == Operation.LIST_MODELS || ex.call.operation() == Operation.OPENAI_LIST_MODELS) {
            text = decorate(ex, text);
            store(ex, contentType, text);
            return io.vertx.core.buffer.Buffer.buffer(text);
        }
        store(ex, contentType, text);
        return body;
    }

    Cached cached(Exchange ex) {
        Cached c = cache.get(cacheKey(ex));
        if (c == null || c.expiresAtNanos() < System.nanoTime()) {
            return null;
        }
        return c;
    }

    void store(Exchange ex, String contentType, String body) {
        if (cache.size() > 1000) {
            cache.clear();
        }
        cache.put(cacheKey(ex), new Cached(System.nanoTime() + config.modelsCacheTtl().toNanos(), contentType, body));
    }

    public void clear() {
        cache.clear();
    }

    /** The local answer for a model lookup that names a route alias; null when the name is not an alias. */
    String aliasModel(Exchange ex) {
        String id = ex.call.pathModel();
        if (id == null) {
            return null;
        }
        String bare = id.startsWith("models/") ? id.substring("models/".length()) : id;
        Routes r = routes.current();
        RouteRule rule = ruleOf(r, bare);
        if (rule == null) {
            return null;
        }
        return (ex.call.protocol() == Protocol.OPENAI ? openAiAlias(bare) : geminiAlias(bare, rule)).toString();
    }

    private static RouteRule ruleOf(Routes r, String alias) {
        for (RouteRule rule : r.rules()) {
            if (rule.models().contains(alias)) {
                return rule;
            }
        }
        return null;
    }

    /** Adds the aliases to an upstream list (first page only for Gemini's paged list). */
    String decorate(Exchange ex, String upstreamBody) {
        try {
            JsonNode root = JSON.readTree(upstreamBody);
            if (root == null || !root.isObject()) {
                return upstreamBody;
            }
            Routes r = routes.current();
            List<String> aliases = r.aliases();
            metrics.learnModels(listedModels(root));
            if (ex.call.operation() == Operation.LIST_MODELS) {
                if (ex.ctx.request().getParam("pageToken") != null || !root.path("models").isArray()) {
                    return upstreamBody;
                }
                ArrayNode models = (ArrayNode) root.get("models");
                for (String a : aliases) {
                    models.add(geminiAlias(a, ruleOf(r, a)));
                }
            } else if (ex.call.operation() == Operation.OPENAI_LIST_MODELS && root.path("data").isArray()) {
                ArrayNode data = (ArrayNode) root.get("data");
                for (String a : aliases) {
                    data.add(openAiAlias(a));
                }
            }
            return root.toString();
        } catch (Exception e) {
            return upstreamBody;
        }
    }

    /** The model ids of a Gemini ({@code models[].name}) or OpenAI ({@code data[].id}) models list. */
    private static List<String> listedModels(JsonNode root) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode m : root.path("models")) {
            out.add(m.path("name").asText(null));
        }
        for (JsonNode m : root.path("data")) {
            out.add(m.path("id").asText(null));
        }
        return out;
    }

    private static ObjectNode geminiAlias(String alias, RouteRule rule) {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", "models/" + alias).put("version", "gemini-pool").put("displayName", "Gemini Pool route "
                + (rule == null ? alias : rule.name()));
        m.put("description", "Served by the gateway's route " + (rule == null ? alias : rule.name())
                + ": its targets are tried in order.");
        int input = 1_048_576;
        m.put("inputTokenLimit", input).put("outputTokenLimit", 65_536);
        ArrayNode methods = m.putArray("supportedGenerationMethods");
        methods.add("generateContent").add("countTokens");
        return m;
    }

    private static ObjectNode openAiAlias(String alias) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", alias).put("object", "model").put("owned_by", "gemini-pool");
        return m;
    }
}
