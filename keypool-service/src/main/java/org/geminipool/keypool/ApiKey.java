package org.geminipool.keypool;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Gemini API key. The raw key is only ever held encrypted ({@link #secret}); see KeyCrypto. */
@Entity
@Table(name = "gp_key")
public class ApiKey extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "project_id", nullable = false)
    public long projectId;
    @Column(nullable = false, length = 255, columnDefinition = "varbinary(255)")
    public byte[] secret;
    @Column(nullable = false, length = 64, columnDefinition = "char(64)")
    public String fingerprint;
    @Column(nullable = false, length = 32)
    public String masked;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public KeyState state;
    @Column(name = "state_reason", length = 512)
    public String stateReason;
    @Column(name = "state_changed_at_ms", nullable = false)
    public long stateChangedAtMs;
    @Column(name = "failure_streak", nullable = false)
    public int failureStreak;
    @Column(name = "last_checked_at_ms")
    public Long lastCheckedAtMs;
    @Column(name = "last_check_result", length = 32)
    public String lastCheckResult;
    @Column(name = "created_at_ms", nullable = false)
    public long createdAtMs;
}
