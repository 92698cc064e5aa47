package org.geminipool.common.upstream;

import org.geminipool.contract.Outcome;
import org.geminipool.common.upstream.QuotaViolation.Window;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every error body of the 2026 reference (shared/reference/gemini-api-2026.md §1.3, §1.4, §2, §3, §4, §5) and the 2025
 * ones still sent, mapped to its outcome: the one table of the gateway README.
 */
class UpstreamErrorClassifierTest {

    private static final String HELP = "{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":[{\"description\":"
            + "\"Learn more about Gemini API quotas\",\"url\":\"https://ai.google.dev/gemini-api/docs/rate-limits\"}]}";
    private static final String QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing"
            + " details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits."
            + " To monitor your current usage, head to: https://ai.dev/rate-limit. ";

    static String quota429(String lines, String violations, String retry) {
        return "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"" + QUOTA_MESSAGE + lines
                + "Please retry in 41.2s.\",\"details\":[" + HELP
                + ",{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[" + violations + "]}"
                + (retry == null ? "" : ",{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\""
                + retry + "\"}") + "]}}";
    }

    static String violation(String metric, String quotaId, String model, String value) {
        return "{\"quotaMetric\":\"generativelanguage.googleapis.com/" + metric + "\",\"quotaId\":\"" + quotaId
                + "\",\"quotaDimensions\":{\"location\":\"global\",\"model\":\"" + model + "\"}"
                + (value == null ? "" : ",\"quotaValue\":\"" + value + "\"") + "}";
    }

    static String error(int code, String status, String message, String details) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\""
                + (details == null ? "" : ",\"details\":[" + details + "]") + "}}";
    }

    static String errorInfo(String reason) {
        return "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"" + reason
                + "\",\"domain\":\"googleapis.com\",\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}}";
    }

    @Test
    void perMinuteTeachesTheLimitTheWindowAndTheQuotaModel() {
        Classification c = UpstreamErrorClassifier.classify(429, quota429(
                "\\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests,"
                        + " limit: 10, model: gemini-3.5-flash-lite\\n",
                violation("generate_content_free_tier_requests", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "gemini-3.5-flash-lite", "10"), "41s"));
        assertEquals(Outcome.RATE_LIMITED, c.outcome());
        assertEquals(41, c.retryAfterSeconds());
        assertEquals(1, c.violations().size());
        QuotaViolation v = c.violations().get(0);
        assertEquals(Window.RPM, v.window());
        assertEquals(10L, v.limit());
        assertEquals("gemini-3.5-flash-lite", v.quotaModel());
        assertTrue(v.freeTier());
    }

    @Test
    void perDayIsDayExhaustedWithItsLimit() {
        Classification c = UpstreamErrorClassifier.classify(429, quota429("",
                violation("generate_content_free_tier_requests", "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                        "gemini-3.5-flash-lite", "20"), "25s"));
        assertEquals(Outcome.QUOTA_EXHAUSTED_DAY, c.outcome());
        assertNull(c.retryAfterSeconds());
        assertEquals(Window.RPD, c.violations().get(0).window());
        assertEquals(20L, c.violations().get(0).limit());
    }

    @Test
    void inputTokensPerMinuteIsTheTpmWindow() {
        Classification c = UpstreamErrorClassifier.classify(429, quota429("",
                violation("generate_content_free_tier_input_token_count",
                        "GenerateContentInputTokensPerModelPerMinute-FreeTier", "gemini-3.8-flash", "250000"), "7s"));
        assertEquals(Outcome.RATE_LIMITED, c.outcome());
        assertEquals(Window.TPM, c.violations().get(0).window());
        assertEquals(250000L, c.violations().get(0).limit());
    }

    @Test
    void paidTierInputTokensAreNotFreeTier() {
        Classification c = UpstreamErrorClassifier.classify(429, quota429("",
                violation("generate_content_paid_tier_input_token_count",
                        "GenerateContentPaidTierInputTokensPerModelPerMinute", "gemini-3.8-flash", "2000000"), "7s"));
        assertFalse(c.violations().get(0).freeTier());
        assertEquals(Window.TPM, c.violations().get(0).window());
    }

    @Test
    void limitZeroWithoutQuotaValueIsModelUnavailableAndNamesTheFamily() {
        // The §1.4 body: pro on a free key, quotaDimensions.model is the family base name, no quotaValue anywhere.
        String lines = "\\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests,"
                + " limit: 0, model: gemini-3.1-pro\\n* Quota exceeded for metric:"
                + " generativelanguage.googleapis.com/generate_content_free_tier_input_token_count, limit: 0, model:"
                + " gemini-3.1-pro\\n";
        String violations = violation("generate_content_free_tier_requests",
                "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "gemini-3.1-pro", null) + ","
                + violation("generate_content_free_tier_requests",
                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "gemini-3.1-pro", null) + ","
                + violation("generate_content_free_tier_input_token_count",
                "GenerateContentInputTokensPerModelPerMinute-FreeTier", "gemini-3.1-pro", null);
        Classification c = UpstreamErrorClassifier.classify(429, quota429(lines, violations, "25s"));
        assertEquals(Outcome.MODEL_UNAVAILABLE, c.outcome());
        assertEquals(3, c.violations().size());
        assertTrue(c.violations().stream().allMatch(v -> v.limit() == 0 && "gemini-3.1-pro".equals(v.quotaModel())));
    }

    @Test
    void detailOrderDoesNotMatter() {
        String body = "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"quota\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"12.4s\"},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":["
                + violation("generate_content_free_tier_requests", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                "m", "5") + "]}," + HELP + "]}}";
        Classification c = UpstreamErrorClassifier.classify(429, body);
        assertEquals(Outcome.RATE_LIMITED, c.outcome());
        assertEquals(13, c.retryAfterSeconds());
        assertEquals(5L, c.violations().get(0).limit());
    }

    @Test
    void prepaymentDepletedIsBillingDown() {
        Classification c = UpstreamErrorClassifier.classify(429, error(429, "RESOURCE_EXHAUSTED",
                "Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage"
                        + " your project and billing. Learn more at https://ai.google.dev/gemini-api/docs/billing#prepay. ",
                null));
        assertEquals(Outcome.BILLING_DEPLETED, c.outcome());
    }

    @Test
    void bare429sAreRateLimitedForTheDefaultCooldown() {
        for (String body : new String[]{
                error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", null),
                error(429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE, HELP)}) {
            Classification c = UpstreamErrorClassifier.classify(429, body);
            assertEquals(Outcome.RATE_LIMITED, c.outcome(), body);
            assertEquals(UpstreamErrorClassifier.DEFAULT_RATE_LIMIT_SECONDS, c.retryAfterSeconds());
        }
    }

    @Test
    void deadKeys() {
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(400, error(400, "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.", errorInfo("API_KEY_INVALID"))).outcome());
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(400, error(400, "INVALID_ARGUMENT",
                "API Key not found. Please pass a valid API key.", errorInfo("API_KEY_INVALID"))).outcome());
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(400, error(400, "INVALID_ARGUMENT",
                "API key expired. Please renew the API key.", errorInfo("API_KEY_INVALID"))).outcome());
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(401, error(401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other"
                        + " valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED"))).outcome());
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "Your API key was reported as leaked. Please use another API key.", null)).outcome());
    }

    @Test
    void blockedKeyAndDeadProjects() {
        assertEquals(Outcome.PERMISSION_DENIED, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "Requests to this API generativelanguage.googleapis.com method"
                        + " google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent are blocked.",
                errorInfo("API_KEY_SERVICE_BLOCKED"))).outcome());
        assertEquals(Outcome.PROJECT_DENIED, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "Permission denied: Consumer 'api_key:x' has been suspended.", errorInfo("CONSUMER_SUSPENDED"))).outcome());
        assertEquals(Outcome.PROJECT_DENIED, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "Generative Language API has not been used in project 1 before or it is disabled.",
                errorInfo("SERVICE_DISABLED"))).outcome());
        assertEquals(Outcome.PROJECT_DENIED, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "Your project has been denied access. Please contact support.", null)).outcome());
    }

    @Test
    void a403WithoutAKeyLevelReasonIsTheClientsFault() {
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "You do not have permission to access the File abc123 or it may not exist.", null)).outcome());
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "CachedContent not found (or permission denied)", null)).outcome());
    }

    @Test
    void locationIsTheGatewaysEgressNotTheKey() {
        Classification c = UpstreamErrorClassifier.classify(400, error(400, "FAILED_PRECONDITION",
                "User location is not supported for the API use.", null));
        assertEquals(Outcome.LOCATION_UNSUPPORTED, c.outcome());
        assertFalse(c.outcome().retryable());
        assertFalse(c.outcome().settlesKeyState());
    }

    @Test
    void retiredModels() {
        Classification closed = UpstreamErrorClassifier.classify(404, error(404, "NOT_FOUND",
                "This model models/gemini-2.0-flash is no longer available to new users. Please update your code to use"
                        + " a newer model for the latest features and improvements.", null));
        assertEquals(Outcome.MODEL_RETIRED, closed.outcome());
        assertFalse(UpstreamErrorClassifier.retiredForEveryone(closed.message()));
        Classification shut = UpstreamErrorClassifier.classify(404, error(404, "NOT_FOUND",
                "This model models/gemini-2.0-flash is no longer available. Please update your code to use a newer"
                        + " model for the latest features and improvements.", null));
        assertEquals(Outcome.MODEL_RETIRED, shut.outcome());
        assertTrue(UpstreamErrorClassifier.retiredForEveryone(shut.message()));
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(404, error(404, "NOT_FOUND",
                "models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.",
                null)).outcome());
    }

    @Test
    void transientUpstreamFailures() {
        assertEquals(Outcome.OVERLOADED, UpstreamErrorClassifier.classify(503, error(503, "UNAVAILABLE",
                "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try"
                        + " again later.", null)).outcome());
        assertEquals(Outcome.UPSTREAM_ERROR, UpstreamErrorClassifier.classify(500, error(500, "INTERNAL",
                "Internal error encountered.", null)).outcome());
        assertEquals(Outcome.UPSTREAM_ERROR, UpstreamErrorClassifier.classify(504, "").outcome());
        assertEquals(Outcome.UPSTREAM_ERROR, UpstreamErrorClassifier.noAnswer().outcome());
    }

    @Test
    void arrayWrappedOpenAiCompatibleForm() {
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(400, "[" + error(400, "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.", errorInfo("API_KEY_INVALID")) + "]").outcome());
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(400, "[" + error(400, "INVALID_ARGUMENT",
                "Invalid reasoning_effort: minimal. Valid values are: high, low, medium, none", null) + "]").outcome());
    }

    @Test
    void messagesAreScrubbedOfKeys() {
        Classification c = UpstreamErrorClassifier.classify(403, error(403, "PERMISSION_DENIED",
                "Permission denied: Consumer 'api_key:AQ.Ab8RN6JxQfakefakefakefakefake0123' has been suspended.",
                errorInfo("CONSUMER_SUSPENDED")));
        assertFalse(c.message().contains("fakefakefake"), c.message());
    }
}
