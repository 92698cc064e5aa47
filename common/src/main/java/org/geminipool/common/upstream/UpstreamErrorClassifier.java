package org.geminipool.common.upstream;

import org.geminipool.contract.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.geminipool.contract.ApiKeys;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * From an upstream status and body (Google's {@code {"error":{…}}}, its array-wrapped OpenAI-compatible form, or
 * OpenRouter's) to an {@link Outcome} — design §3 and the 2026 table in the gateway README, which is the one table the
 * gateway's attempt loop and the keypool's re-validation probe both use. Details are read by {@code @type}, never by
 * position (Google's order changed in 2026). Only key-level reasons ban: a 403 or 400 without one is the client's.
 */
public final class UpstreamErrorClassifier {

    public static final int DEFAULT_RATE_LIMIT_SECONDS = 60;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** "* Quota exceeded for metric: M, limit: N, model: X" lines of a 429 message. */
    private static final Pattern LIMIT_LINE = Pattern.compile(
            "Quota exceeded for metric: ([^,\\s]+), limit: (\\d+)(?:, model: ([^\\s,]+))?");

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
        String message = error == null ? null : ApiKeys.scrub(error.path("message").asText(null));
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        String googleStatus = error == null ? "" : error.path("status").asText("");
        if (status == 429) {
            return quota(error, message, text);
        }
        if (status == 400) {
            if (hasReason(error, "API_KEY_INVALID") || text.contains("api key not valid")
                    || text.contains("api key not found") || text.contains("api key expired")) {
                return Classification.of(Outcome.INVALID_KEY, message);
            }
            if (text.contains("location is not supported")) {
                return Classification.of(Outcome.LOCATION_UNSUPPORTED, message);
            }
            return Classification.of(Outcome.CLIENT_ERROR, message);
        }
        if (status == 401) {
            // Google refuses the credential itself (ACCESS_TOKEN_TYPE_UNSUPPORTED for a refused key kind, or a key
            // it does not accept at all): the key is dead for this API.
            return Classification.of(Outcome.INVALID_KEY, message);
        }
        if (status == 403) {
            String reason = errorInfoReason(error);
            if ("CONSUMER_SUSPENDED".equals(reason) || "SERVICE_DISABLED".equals(reason)
                    || text.contains("project has been denied access")) {
                return Classification.of(Outcome.PROJECT_DENIED, message);
            }
            if (text.contains("reported as leaked")) {
                return Classification.of(Outcome.INVALID_KEY, message);
            }
            if (reason != null && reason.startsWith("API_KEY_")) {
                return Classification.of(Outcome.PERMISSION_DENIED, message);
            }
            // No key-level reason: another project's file or cache, a forbidden resource — the request's fault.
            return Classification.of(Outcome.CLIENT_ERROR, message);
        }
        if (status == 404 && text.contains("is no longer available")) {
            return Classification.of(Outcome.MODEL_RETIRED, message);
        }
        if (status == 503 || "UNAVAILABLE".equals(googleStatus)) {
            return Classification.of(Outcome.OVERLOADED, message);
        }
        if (status == 408 || status >= 500) {
            return Classification.of(Outcome.UPSTREAM_ERROR, message);
        }
        return Classification.of(Outcome.CLIENT_ERROR, message);
    }

    /** True when a MODEL_RETIRED message says the model is gone for everyone, not only for new projects. */
    public static boolean retiredForEveryone(String message) {
        return message != null && !message.toLowerCase(Locale.ROOT).contains("to new users");
    }

    private static Classification quota(JsonNode error, String message, String text) {
        Integer retry = null;
        List<QuotaViolation> violations = new ArrayList<>();
        for (JsonNode d : details(error)) {
            String type = d.path("@type").asText("");
            if (type.endsWith("google.rpc.QuotaFailure")) {
                for (JsonNode v : d.path("violations")) {
                    QuotaViolation violation = violation(v, message);
                    if (violation != null && !violations.contains(violation)) {
                        violations.add(violation);
                    }
                }
            } else if (type.endsWith("google.rpc.RetryInfo")) {
                retry = seconds(d.path("retryDelay").asText(null));
            }
        }
        if (text.contains("prepayment credits are depleted")) {
            return new Classification(Outcome.BILLING_DEPLETED, null, List.of(), message);
        }
        if (violations.stream().anyMatch(v -> v.limit() != null && v.limit() == 0)) {
            return new Classification(Outcome.MODEL_UNAVAILABLE, null, violations, message);
        }
        if (violations.stream().anyMatch(v -> v.window() == QuotaViolation.Window.RPD)) {
            return new Classification(Outcome.QUOTA_EXHAUSTED_DAY, null, violations, message);
        }
        return new Classification(Outcome.RATE_LIMITED, retry == null ? DEFAULT_RATE_LIMIT_SECONDS : retry,
                violations, message);
    }

    private static QuotaViolation violation(JsonNode v, String message) {
        String quotaId = v.path("quotaId").asText("");
        String metric = v.path("quotaMetric").asText("");
        QuotaViolation.Window window;
        String id = quotaId.toLowerCase(Locale.ROOT);
        if (id.contains("token")) {
            window = QuotaViolation.Window.TPM;
        } else if (id.contains("perday")) {
            window = QuotaViolation.Window.RPD;
        } else if (id.contains("perminute")) {
            window = QuotaViolation.Window.RPM;
        } else {
            return null;
        }
        String model = v.path("quotaDimensions").path("model").asText(null);
        Long limit = null;
        JsonNode value = v.get("quotaValue");
        if (value != null && !value.isNull()) {
            try {
                limit = Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                limit = null;
            }
        }
        if (limit == null && message != null) {
            limit = limitFromMessage(message, metric, model);
        }
        return new QuotaViolation(window, limit, model, quotaId.endsWith("-FreeTier"), quotaId);
    }

    /** The {@code limit: N} of the message line naming this metric (and model, when both say one). */
    static Long limitFromMessage(String message, String metric, String model) {
        Matcher m = LIMIT_LINE.matcher(message);
        while (m.find()) {
            boolean metricMatches = metric.isEmpty() || metric.equals(m.group(1));
            boolean modelMatches = model == null || m.group(3) == null || model.equals(m.group(3));
            if (metricMatches && modelMatches) {
                return Long.parseLong(m.group(2));
            }
        }
        return null;
    }

    private static boolean hasReason(JsonNode error, String reason) {
        return reason.equals(errorInfoReason(error));
    }

    private static String errorInfoReason(JsonNode error) {
        for (JsonNode d : details(error)) {
            if (d.path("@type").asText("").endsWith("google.rpc.ErrorInfo")) {
                return d.path("reason").asText(null);
            }
        }
        return null;
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
            return List.of();
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
