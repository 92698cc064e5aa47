package org.geminipool.usage;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** The counters every aggregate row carries. */
@Embeddable
public class UsageCounts {
    @Column(name = "requests", nullable = false)
    public long requests;
    @Column(name = "successes", nullable = false)
    public long successes;
    @Column(name = "rate_limited", nullable = false)
    public long rateLimited;
    @Column(name = "day_exhausted", nullable = false)
    public long dayExhausted;
    @Column(name = "invalid_or_denied", nullable = false)
    public long invalidOrDenied;
    @Column(name = "upstream_errors", nullable = false)
    public long upstreamErrors;
    @Column(name = "client_errors", nullable = false)
    public long clientErrors;
    @Column(name = "prompt_tokens", nullable = false)
    public long promptTokens;
    @Column(name = "completion_tokens", nullable = false)
    public long completionTokens;
    @Column(name = "thought_tokens", nullable = false)
    public long thoughtTokens;
    @Column(name = "total_latency_ms", nullable = false)
    public long totalLatencyMs;
}
