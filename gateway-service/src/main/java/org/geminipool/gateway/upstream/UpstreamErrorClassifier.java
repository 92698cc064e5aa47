package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Design §3's table, from an upstream status and body (Google's {@code {"error":{…}}}, its array-wrapped form, or
 * OpenRouter's {@code {"error":{"message","code"}}}) to an {@link Outcome}:
 * <ul>
 * <li>2xx → SUCCESS</li>
 * <li>429 with a QuotaFailure violation whose quotaId contains {@code PerDay} → QUOTA_EXHAUSTED_DAY</li>
 * <li>other 429 → RATE_LIMITED, with RetryInfo.retryDelay (default 60 s)</li>
 * <li>400 with ErrorInfo.reason API_KEY_INVALID, or 401 (the upstream rejects our credential) → INVALID_KEY</li>
 * <li>403 → PERMISSION_DENIED</li>
 * <li>408, 5xx, timeouts, connection errors → UPSTREAM_ERROR</li>
 * <li>other 4xx → CLIENT_ERROR (the client's fault is never the key's)</li>
 * </ul>
 */
public final class UpstreamErrorClassifier {

    public static final int DEFAULT_RATE_LIMIT_SECONDS = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamErrorClassifier() {
    }

    /** A timeout or connection failure: no answer at all. */
    public static Classification noAnswer() {
        return Classification.of(Outcome.UPSTREAM_ERROR);
    }

    public static Classification classify(int status, String body) {
        if (status >= 200 && status < 300) {
            return Classification.of(Outcome.SUCCESS);
        }
        JsonNode error = errorObject(body);
        if (status == 429) {
            boolean perDay = false;
            Integer retry = null;
            for (JsonNode d : details(error)) {
                String type = d.path("@type").asText("");
                if (type.endsWith("google.rpc.QuotaFailure")) {
                    for (JsonNode v : d.path("violations")) {
                        if (v.path("quotaId").asText("").contains("PerDay")) {
                            perDay = true;
                        }
                    }
                } else if (type.endsWith("google.rpc.RetryInfo")) {
                    retry = seconds(d.path("retryDelay").asText(null));
                }
            }
            if (perDay) {
                return Classification.of(Outcome.QUOTA_EXHAUSTED_DAY);
            }
            return new Classification(Outcome.RATE_LIMITED, retry == null ? DEFAULT_RATE_LIMIT_SECONDS : retry);
        }
        if (status == 400) {
            for (JsonNode d : details(error)) {
                if (d.path("@type").asText("").endsWith("google.rpc.ErrorInfo")
                        && "API_KEY_INVALID".equals(d.path("reason").asText())) {
                    return Classification.of(Outcome.INVALID_KEY);
                }
            }
            return Classification.of(Outcome.CLIENT_ERROR);
        }
        if (status == 401) {
            return Classification.of(Outcome.INVALID_KEY);
        }
        if (status == 403) {
            return Classification.of(Outcome.PERMISSION_DENIED);
        }
        if (status == 408 || status >= 500) {
            return Classification.of(Outcome.UPSTREAM_ERROR);
        }
        return Classification.of(Outcome.CLIENT_ERROR);
    }

    /** The inner error object of Google's or OpenRouter's error body, unwrapping a JSON array; null when none. */
    public static JsonNode errorObject(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0);
            }
            JsonNode e = root == null ? null : root.get("error");
            return e != null && e.isObject() ? e : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Iterable<JsonNode> details(JsonNode error) {
        if (error == null || !error.path("details").isArray()) {
            return java.util.List.of();
        }
        return error.get("details");
    }

    /** Google's Duration string ("37s", "37.53s") rounded up to whole seconds; null when unreadable. */
    static Integer seconds(String duration) {
        if (duration == null || !duration.endsWith("s")) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(duration.substring(0, duration.length() - 1).trim());
            return Math.max(1, d.setScale(0, RoundingMode.CEILING).intValueExact());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
