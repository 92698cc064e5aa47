package org.geminipool.gateway.upstream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One test per row of design §3's classification table, with Google's real bodies. */
class UpstreamErrorClassifierTest {

    private static final String PER_DAY = """
            {"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED","details":[
             {"@type":"type.googleapis.com/google.rpc.Help","links":[]},
             {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
               {"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaValue":"20"}]},
             {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}""";

    private static final String PER_MINUTE = """
            {"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
             {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
               {"quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
             {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12.4s"}]}}""";

    @Test
    void success() {
        assertEquals(Outcome.SUCCESS, UpstreamErrorClassifier.classify(200, "{}").outcome());
    }

    @Test
    void perDayQuotaIsDayExhaustedAndIgnoresRetryDelay() {
        Classification c = UpstreamErrorClassifier.classify(429, PER_DAY);
        assertEquals(Outcome.QUOTA_EXHAUSTED_DAY, c.outcome());
        assertNull(c.retryAfterSeconds());
    }

    @Test
    void perDayQuotaInsideTheArrayWrappedForm() {
        assertEquals(Outcome.QUOTA_EXHAUSTED_DAY, UpstreamErrorClassifier.classify(429, "[" + PER_DAY + "]").outcome());
    }

    @Test
    void perDayAmongSeveralViolationsWins() {
        String both = PER_MINUTE.replace("\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}",
                "\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"},"
                        + "{\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}");
        assertEquals(Outcome.QUOTA_EXHAUSTED_DAY, UpstreamErrorClassifier.classify(429, both).outcome());
    }

    @Test
    void perMinuteQuotaIsRateLimitedWithRetryDelayRoundedUp() {
        Classification c = UpstreamErrorClassifier.classify(429, PER_MINUTE);
        assertEquals(Outcome.RATE_LIMITED, c.outcome());
        assertEquals(13, c.retryAfterSeconds());
    }

    @Test
    void bare429WithoutDetailsIsRateLimitedForSixtySeconds() {
        Classification c = UpstreamErrorClassifier.classify(429,
                "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
        assertEquals(Outcome.RATE_LIMITED, c.outcome());
        assertEquals(60, c.retryAfterSeconds());
        assertEquals(Outcome.RATE_LIMITED, UpstreamErrorClassifier.classify(429, "not json").outcome());
    }

    @Test
    void invalidKeyIs400WithApiKeyInvalid() {
        String body = """
                {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
                 "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}""";
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(400, body).outcome());
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(400, "[" + body + "]").outcome());
    }

    @Test
    void suspendedOrDisabledIsPermissionDenied() {
        String body = """
                {"error":{"code":403,"message":"Permission denied: Consumer 'api_key:x' has been suspended.","status":"PERMISSION_DENIED",
                 "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"CONSUMER_SUSPENDED"}]}}""";
        assertEquals(Outcome.PERMISSION_DENIED, UpstreamErrorClassifier.classify(403, body).outcome());
        assertEquals(Outcome.PERMISSION_DENIED, UpstreamErrorClassifier.classify(403,
                "{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"SERVICE_DISABLED\"}]}}").outcome());
    }

    @Test
    void serverErrorsAndTimeoutsAreUpstreamErrors() {
        for (int s : new int[] {500, 502, 503, 504, 408}) {
            assertEquals(Outcome.UPSTREAM_ERROR, UpstreamErrorClassifier.classify(s, "").outcome(), "status " + s);
        }
        assertEquals(Outcome.UPSTREAM_ERROR, UpstreamErrorClassifier.noAnswer().outcome());
    }

    @Test
    void otherClientErrorsAreTheClientsNotTheKeys() {
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(400,
                "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest.contents: contents is not specified\",\"status\":\"INVALID_ARGUMENT\"}}").outcome());
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(404,
                "{\"error\":{\"code\":404,\"message\":\"models/x is not found\",\"status\":\"NOT_FOUND\"}}").outcome());
        assertEquals(Outcome.CLIENT_ERROR, UpstreamErrorClassifier.classify(413, "").outcome());
    }

    @Test
    void upstreamRejectingOurCredentialIsInvalidKey() {
        assertEquals(Outcome.INVALID_KEY, UpstreamErrorClassifier.classify(401,
                "{\"error\":{\"message\":\"User not found.\",\"code\":401}}").outcome());
    }
}
