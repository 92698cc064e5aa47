package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * Google's error bodies, {@code {"error":{"code","message","status","details":[…]}}} (google.rpc.Status), with the
 * detail types and messages listed in /work/shared/reference/gemini-api.md "Errors" (gathered from ai.google.dev
 * troubleshooting docs, googleapis/js-genai and python-genai error handling, and real bodies quoted in public issues).
 */
public final class GoogleErrors {

    public static final String RATE_LIMIT_DOCS = "https://ai.google.dev/gemini-api/docs/rate-limits";

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
        String msg = "API key not valid. Please pass a valid API key.";
        return of(400, "INVALID_ARGUMENT", msg, new JsonArray()
                .add(errorInfo("API_KEY_INVALID", new JsonObject().put("service", "generativelanguage.googleapis.com")))
                .add(localized(msg)));
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

    /** 429 RESOURCE_EXHAUSTED with Help, QuotaFailure and RetryInfo, and the "Please retry in N s." message. */
    public static GoogleError quotaExceeded(List<SimState.Violation> violations, double retrySeconds) {
        StringBuilder msg = new StringBuilder("You exceeded your current quota, please check your plan and billing details. "
                + "For more information on this error, head to: " + RATE_LIMIT_DOCS
                + ". To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. ");
        JsonArray vs = new JsonArray();
        for (SimState.Violation v : violations) {
            msg.append("\n* Quota exceeded for metric: ").append(v.quotaMetric()).append(", limit: ").append(v.limit())
                    .append(", model: ").append(v.model());
            vs.add(new JsonObject().put("quotaMetric", v.quotaMetric()).put("quotaId", v.quotaId())
                    .put("quotaDimensions", new JsonObject().put("location", "global").put("model", v.model()))
                    .put("quotaValue", Integer.toString(v.limit())));
        }
        msg.append("\nPlease retry in ").append(formatSeconds(retrySeconds)).append("s.");
        JsonArray details = new JsonArray()
                .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.Help").put("links", new JsonArray()
                        .add(new JsonObject().put("description", "Learn more about Gemini API quotas")
                                .put("url", RATE_LIMIT_DOCS))))
                .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure").put("violations", vs))
                .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                        .put("retryDelay", ((long) Math.floor(retrySeconds)) + "s"));
        return of(429, "RESOURCE_EXHAUSTED", msg.toString(), details);
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
        return switch (status) {
            case 503 -> unavailable();
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

    public static GoogleError unavailable() {
        return of(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null);
    }
}
