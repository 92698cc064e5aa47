package org.geminipool.usage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * One raw usage event (one upstream attempt), kept for the retention period. Written only by the atomic
 * insert-ignore in {@link org.geminipool.usage.repository.UsageEventRepository}; mapped here for schema validation.
 */
@Entity
@Table(name = "usage_event")
public class UsageEvent {
    @Id
    @Column(name = "event_id", length = 64)
    public String eventId;
    @Column(name = "ingest_id", length = 36, nullable = false)
    public String ingestId;
    /** UTC. */
    @Column(name = "occurred_at", nullable = false)
    public LocalDateTime occurredAt;
    @Column(name = "usage_day", nullable = false)
    public LocalDate day;
    /** UTC. */
    @Column(name = "received_at", nullable = false)
    public LocalDateTime receivedAt;
    @Column(name = "key_id", length = 128)
    public String keyId;
    @Column(name = "agg_key_id", length = 128, nullable = false)
    public String aggregateKeyId;
    @Column(name = "project", length = 128)
    public String project;
    @Column(name = "model", length = 128, nullable = false)
    public String model;
    @Column(name = "route", length = 64)
    public String route;
    @Column(name = "target", length = 255)
    public String target;
    @Column(name = "provider", length = 32)
    public String provider;

    /** The front door of the request (responses, messages), null for the native and OpenAI-chat routes. */
    @Column(name = "door", length = 16)
    public String door;
    @Column(name = "client_token_id", length = 64, nullable = false)
    public String clientTokenId;
    @Column(name = "outcome", length = 32, nullable = false)
    public String outcome;
    @Column(name = "http_status")
    public Integer httpStatus;
    @Column(name = "latency_ms", nullable = false)
    public long latencyMs;
    @Column(name = "prompt_tokens", nullable = false)
    public long promptTokens;
    @Column(name = "completion_tokens", nullable = false)
    public long completionTokens;
    @Column(name = "thought_tokens", nullable = false)
    public long thoughtTokens;
}
