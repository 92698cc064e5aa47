package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.geminipool.simulator.UnavailableText;

import java.util.List;
import java.util.Locale;

/**
 * Google's error bodies, {@code {"error":{"code","message","status","details":[…]}}} (google.rpc.Status), with the
 * detail types and messages listed in /work/shared/reference/gemini-api.md "Errors" (gathered from ai.google.dev
 * troubleshooting docs, googleapis/js-genai and python-genai error handling, and real bodies quoted in public issues)
 * and, for what changed in 2026, gemini-api-2026.md (source tags in brackets, resolved in its table).
 */
public final class GoogleErrors {

    public static final String RATE_LIMIT_DOCS = "https://ai.google.dev/gemini-api/docs/rate-limits";
    /** The 2026 usage link of the 429 message (late 2025 it was https://ai.dev/usage?tab=rate-limit) [I-429a, I-429b]. */
    public static final String USAGE_URL = "https://ai.dev/rate-limit";
    static final String SERVICE = "generativelanguage.googleapis.com";

    private GoogleErrors() {
    }

    public record GoogleError(int code, JsonObject body) {
        /** The inner {"code","message","status",...} object. */
        public JsonObject error() {
            return body.getJsonObject("error");
        }
    }

    private static GoogleError of(int code, String status, String message, JsonArray details) {
        JsonObject e = new JsonObject().put("code", code).put("message", message).put("status", status);
        if (details != null && !details.isEmpty()) {
            e.put("details", details);
        }
        return new GoogleError(code, new JsonObject().put("error", e));
    }

    /** A plain error body without details. */
    static GoogleError of(int code, String status, String message) {
        return of(code, status, message, null);
    }

    /**
     * 403 for a project object (batch, operation, File Search store) another project owns, or that does not exist:
     * the simulator's wording, modelled on the Files text [I-file403a] (Google's text for these kinds is unconfirmed).
     */
    public static GoogleError objectDenied(String kind, String name) {
        return of(403, "PERMISSION_DENIED", "You do not have permission to access the " + kind + " " + name
                + " or it may not exist.", null);
    }

    /** 400 FAILED_PRECONDITION for a file still PROCESSING (or FAILED) named in a request. */
    public static GoogleError fileNotActive(String fileId) {
        return of(400, "FAILED_PRECONDITION", "The File " + fileId + " is not in an ACTIVE state and usage is not "
                + "allowed.", null);
    }

    /** 429 with only a Help detail, as batch create and list answer when the batch buckets are full [I-batch429]. */
    public static GoogleError batchQuotaExceeded() {
        return of(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing "
                + "details. For more information on this error, head to: " + RATE_LIMIT_DOCS
                + ". To monitor your current usage, head to: " + USAGE_URL + ". ", new JsonArray().add(help()));
    }

    private static JsonObject errorInfo(String reason, JsonObject metadata) {
        return new JsonObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", reason)
                .put("domain", "googleapis.com").put("metadata", metadata);
    }

    private static JsonObject localized(String message) {
        return new JsonObject().put("@type", "type.googleapis.com/google.rpc.LocalizedMessage").put("locale", "en-US")
                .put("message", message);
    }

    /** 400 for a key that is unknown or invalid. */
    public static GoogleError apiKeyInvalid() {
        return apiKeyInvalid("API key not valid. Please pass a valid API key.");
    }

    /** 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID: invalid, not found [I-nf] or expired [C-exp] keys. */
    public static GoogleError apiKeyInvalid(String msg) {
        return of(400, "INVALID_ARGUMENT", msg, new JsonArray()
                .add(errorInfo("API_KEY_INVALID", new JsonObject().put("service", SERVICE)))
                .add(localized(msg)));
    }

    public static GoogleError apiKeyNotFound() {
        return apiKeyInvalid("API Key not found. Please pass a valid API key.");
    }

    public static GoogleError apiKeyExpired() {
        return apiKeyInvalid("API key expired. Please renew the API key.");
    }

    /** 403, no details [I-leak]. */
    public static GoogleError leaked() {
        return of(403, "PERMISSION_DENIED", "Your API key was reported as leaked. Please use another API key.", null);
    }

    /**
     * 403 API_KEY_SERVICE_BLOCKED [I-blocked]: the message names the RPC method, ErrorInfo metadata consumer, service,
     * apiName, methodName, then a LocalizedMessage.
     */
    public static GoogleError serviceBlocked(String project, String rpcMethod) {
        String msg = "Requests to this API " + SERVICE + " method " + rpcMethod + " are blocked.";
        return of(403, "PERMISSION_DENIED", msg, new JsonArray()
                .add(errorInfo("API_KEY_SERVICE_BLOCKED", new JsonObject()
                        .put("consumer", "projects/" + SimState.projectNumber(project)).put("service", SERVICE)
                        .put("apiName", SERVICE).put("methodName", rpcMethod)))
                .add(localized(msg)));
    }

    /** 401 for a key kind Google refuses (a rejected standard key, AQ keys not yet accepted) [P-401, I-kilo]. */
    public static GoogleError tokenTypeUnsupported(String rpcMethod) {
        return of(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access "
                + "token, login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", new JsonArray()
                .add(errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED", new JsonObject().put("method", rpcMethod)
                        .put("service", SERVICE))));
    }

    /** 403 for a project Google has shut out [I-denied]. */
    public static GoogleError projectDenied() {
        return of(403, "PERMISSION_DENIED", "Your project has been denied access. Please contact support.", null);
    }

    /** 400 for a caller in a region the API does not serve [I-loc]: the gateway's egress, not its key. */
    public static GoogleError locationUnsupported() {
        return of(400, "FAILED_PRECONDITION", "User location is not supported for the API use.", null);
    }

    /** 404 for a shut-down model (§1.3 stage 2 [I-404e]). */
    public static GoogleError modelGone(String model) {
        return of(404, "NOT_FOUND", "This model models/" + model + " is no longer available. Please update your code "
                + "to use a newer model for the latest features and improvements.", null);
    }

    /** 404 for a model closed to new projects (§1.3 stage 1 [I-404a, I-404b]). */
    public static GoogleError modelGoneForNewUsers(String model) {
        return of(404, "NOT_FOUND", "This model models/" + model + " is no longer available to new users. Please "
                + "update your code to use a newer model for the latest features and improvements.", null);
    }

    /** 403 for a file the project does not own (or that is gone): id without {@code files/}, no details [I-file403a]. */
    public static GoogleError filePermissionDenied(String fileId) {
        return of(403, "PERMISSION_DENIED", "You do not have permission to access the File " + fileId
                + " or it may not exist.", null);
    }

    /** 403 for a cache that is another project's, deleted or expired — never 404 [C-cache, C-cache403]. */
    public static GoogleError cachedContentDenied() {
        return of(403, "PERMISSION_DENIED", "CachedContent not found (or permission denied)", null);
    }

    /** 400 for systemInstruction/tools/toolConfig sent together with a cache [C-cache]. */
    public static GoogleError cachedContentConflict() {
        return invalidArgument("CachedContent can not be used with GenerateContent request setting system_instruction, "
                + "tools or tool_config.\n\nProposed fix: move those values to CachedContent from GenerateContent request.");
    }

    /** 403 when no key at all was sent. */
    public static GoogleError missingKey() {
        return of(403, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                null);
    }

    /**
     * 403 for a suspended consumer. Like Google, the message names the whole key ("Consumer 'api_key:AIza…' has been
     * suspended."), so a gateway that forwards upstream messages unfiltered is caught leaking it.
     */
    public static GoogleError suspended(String apiKey, String project) {
        String consumer = "projects/" + SimState.projectNumber(project);
        String msg = "Permission denied: Consumer 'api_key:" + apiKey + "' has been suspended.";
        return of(403, "PERMISSION_DENIED", msg, new JsonArray()
                .add(errorInfo("CONSUMER_SUSPENDED", new JsonObject().put("containerInfo", consumer)
                        .put("consumer", consumer).put("service", "generativelanguage.googleapis.com")))
                .add(localized(msg)));
    }

    public static String abbreviate(String key) {
        if (key == null) {
            return "";
        }
        return key.length() <= 10 ? key : key.substring(0, 6) + "…" + key.substring(key.length() - 4);
    }

    /** 404 for an unknown model, or a model that does not support {@code method}. */
    public static GoogleError modelNotFound(String model, String apiVersion, String method) {
        return of(404, "NOT_FOUND", "models/" + model + " is not found for API version " + apiVersion
                + ", or is not supported for " + method
                + ". Call ListModels to see the list of available models and their supported methods.", null);
    }

    public static GoogleError notFound(String message) {
        return of(404, "NOT_FOUND", message, null);
    }

    public static GoogleError invalidArgument(String message) {
        return of(400, "INVALID_ARGUMENT", message, null);
    }

    /** 400 with a google.rpc.BadRequest field violation, as Google answers an unknown JSON field. */
    public static GoogleError badRequestField(String field, String message) {
        JsonObject violation = new JsonObject();
        if (field != null) {
            violation.put("field", field);
        }
        violation.put("description", message);
        return of(400, "INVALID_ARGUMENT", message, new JsonArray().add(new JsonObject()
                .put("@type", "type.googleapis.com/google.rpc.BadRequest")
                .put("fieldViolations", new JsonArray().add(violation))));
    }

    public static GoogleError malformedJson() {
        return badRequestField(null, "Invalid JSON payload received. Unexpected token.");
    }

    /**
     * 429 RESOURCE_EXHAUSTED of 2026 (gemini-api-2026.md §1.4, §3): the message names both links, then one
     * "* Quota exceeded for metric: …, limit: N, model: M" line per distinct (metric, limit, model) — so the two
     * request windows at limit 0 share one line, as in the §1.4 body — then "Please retry in X.XXs."; details Help
     * first, then QuotaFailure ({@code quotaValue} only when the limit is above 0), then RetryInfo.
     */
    public static GoogleError quotaExceeded(List<SimState.Violation> violations, double retrySeconds) {
        StringBuilder msg = new StringBuilder("You exceeded your current quota, please check your plan and billing details. "
                + "For more information on this error, head to: " + RATE_LIMIT_DOCS
                + ". To monitor your current usage, head to: " + USAGE_URL + ". ");
        JsonArray vs = new JsonArray();
        java.util.Set<String> lines = new java.util.LinkedHashSet<>();
        for (SimState.Violation v : violations) {
            lines.add("\n* Quota exceeded for metric: " + v.quotaMetric() + ", limit: " + v.limit() + ", model: " + v.model());
            JsonObject violation = new JsonObject().put("quotaMetric", v.quotaMetric()).put("quotaId", v.quotaId())
                    .put("quotaDimensions", new JsonObject().put("location", "global").put("model", v.model()));
            if (v.limit() > 0) {
                violation.put("quotaValue", Integer.toString(v.limit()));
            }
            vs.add(violation);
        }
        lines.forEach(msg::append);
        msg.append("\nPlease retry in ").append(formatSeconds(retrySeconds)).append("s.");
        JsonArray details = new JsonArray()
                .add(help())
                .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure").put("violations", vs))
                .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                        .put("retryDelay", ((long) Math.floor(retrySeconds)) + "s"));
        return of(429, "RESOURCE_EXHAUSTED", msg.toString(), details);
    }

    private static JsonObject help() {
        return new JsonObject().put("@type", "type.googleapis.com/google.rpc.Help").put("links", new JsonArray()
                .add(new JsonObject().put("description", "Learn more about Gemini API quotas").put("url", RATE_LIMIT_DOCS)));
    }

    /** 429 for a project whose prepaid credit is used up: no details, trailing space (§3 [C-list, I-prepay]). */
    public static GoogleError prepayDepleted() {
        return of(429, "RESOURCE_EXHAUSTED", "Your prepayment credits are depleted. Please go to AI Studio at "
                + "https://ai.studio/projects to manage your project and billing. Learn more at "
                + "https://ai.google.dev/gemini-api/docs/billing#prepay. ", null);
    }

    static String formatSeconds(double s) {
        String f = String.format(Locale.ROOT, "%.2f", s);
        // Google prints "37.53s", "5.1s", "12s": trailing zeros are dropped.
        if (f.contains(".")) {
            f = f.replaceAll("0+$", "");
            if (f.endsWith(".")) {
                f = f.substring(0, f.length() - 1);
            }
        }
        return f;
    }

    public static GoogleError injected(int status) {
        return injected(status, UnavailableText.HIGH_DEMAND);
    }

    public static GoogleError injected(int status, UnavailableText text) {
        return switch (status) {
            case 503 -> unavailable(text);
            case 502 -> of(502, "UNAVAILABLE", "Bad Gateway", null);
            case 504 -> of(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again.", null);
            default -> internal();
        };
    }

    public static GoogleError internal() {
        return of(500, "INTERNAL",
                "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
                null);
    }

    /** 503 with the 2026 "high demand" text, what Google mostly sends now [I-503]. */
    public static GoogleError unavailable() {
        return unavailable(UnavailableText.HIGH_DEMAND);
    }

    public static GoogleError unavailable(UnavailableText text) {
        return of(503, "UNAVAILABLE", text == UnavailableText.OVERLOADED
                ? "The model is overloaded. Please try again later."
                : "This model is currently experiencing high demand. Spikes in demand are usually temporary. "
                        + "Please try again later.", null);
    }
}
