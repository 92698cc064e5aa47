package org.geminipool.keypool.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Typed settings of keypool-service; every one has an env variable (see keypool-service/README.md). */
@ConfigMapping(prefix = "gemini-pool")
public interface KeypoolConfig {

    /** GEMINI_POOL_ADMIN_TOKEN; empty → admin routes answer 401. */
    @WithName("admin-token")
    Optional<String> adminToken();

    /** GEMINI_POOL_INTERNAL_TOKEN; empty → /leases answers 401. */
    @WithName("internal-token")
    Optional<String> internalToken();

    /** GEMINI_POOL_ENCRYPTION_KEY: base64 of 32 bytes; the service refuses to start without it. */
    @WithName("encryption-key")
    Optional<String> encryptionKey();

    /** GEMINI_BASE_URL. */
    @WithName("gemini-base-url")
    @WithDefault("https://generativelanguage.googleapis.com")
    String geminiBaseUrl();

    /** GEMINI_POOL_LEASE_TTL: how long a lease stays open before the scheduler closes it as EXPIRED. */
    @WithName("lease-ttl")
    @WithDefault("5M")
    Duration leaseTtl();

    /** GEMINI_POOL_BAN_AFTER_UPSTREAM_ERRORS: UPSTREAM_ERROR outcomes in a row that ban a key. */
    @WithName("ban-after-upstream-errors")
    @WithDefault("5")
    int banAfterUpstreamErrors();

    /** GEMINI_POOL_RATE_LIMIT_COOLDOWN: cooldown after RATE_LIMITED when the gateway gives no retryAfterSeconds. */
    @WithName("rate-limit-cooldown")
    @WithDefault("60S")
    Duration rateLimitCooldown();

    /** GEMINI_POOL_NO_KEYS_RETRY_AFTER: retryAfterSeconds answered with NO_KEYS / ALL_BANNED. */
    @WithName("no-keys-retry-after")
    @WithDefault("60S")
    Duration noKeysRetryAfter();

    /** GEMINI_POOL_BILLING_RECHECK_AFTER: a project whose prepayment is depleted is skipped this long, then re-tried. */
    @WithName("billing-recheck-after")
    @WithDefault("1H")
    Duration billingRecheckAfter();

    /**
     * GEMINI_POOL_SNAPSHOT_POLL: how often this replica reads the change counter ({@code gp_change}); another replica's
     * change (a ban, an admin edit, a learned limit) is seen here after at most this plus one reload.
     */
    @WithName("snapshot-poll")
    @WithDefault("200ms")
    Duration snapshotPoll();

    /**
     * GEMINI_POOL_QUOTA_BLOCK_MAX: the most quota units one replica reserves in one statement (the block follows the
     * observed rate and falls to 1 near a limit); 1 = one statement per lease.
     */
    @WithName("quota-block-max")
    @WithDefault("256")
    int quotaBlockMax();

    /** GEMINI_POOL_QUOTA_BLOCK_IDLE: unused units of a block not touched for this long are given back. */
    @WithName("quota-block-idle")
    @WithDefault("200ms")
    Duration quotaBlockIdle();

    Revalidate revalidate();

    LeaseExpiry leaseExpiry();

    Retention retention();

    /** The history-pruning job (keypool-service README, "Retention"). */
    interface Retention {
        /** GEMINI_POOL_KEYPOOL_PRUNE_EVERY: interval of the job ("off" disables it). */
        @WithDefault("1h")
        String every();

        /** GEMINI_POOL_LEASE_RETENTION: how long a closed lease is kept after its expiry time. */
        @WithDefault("48H")
        Duration leases();

        /** GEMINI_POOL_KEY_AUDIT_RETENTION: how long a key's audit rows are kept. */
        @WithDefault("720H")
        Duration keyAudit();

        /** GEMINI_POOL_KEYPOOL_PRUNE_BATCH_SIZE: rows per DELETE statement. */
        @WithDefault("5000")
        int batchSize();

        /** GEMINI_POOL_KEYPOOL_PRUNE_MAX_BATCHES: most DELETE statements per table and run. */
        @WithDefault("200")
        int maxBatches();
    }

    interface LeaseExpiry {
        /** GEMINI_POOL_LEASE_EXPIRY_EVERY: interval of the job closing expired leases ("off" disables it). */
        @WithDefault("60s")
        String every();
    }

    // gemini-pool.db.* belongs to common's DatabaseMigration; smallrye.config.mapping.validate-unknown=false lets the
    // mapping ignore it. A Map<String, String> here would reject GEMINI_POOL_DB_PASSWORD="" (the usual local setting).

    /** Names other modules' test resources set for every service; unused here. */
    @WithName("openrouter-base-url")
    Optional<String> openrouterBaseUrl();

    /** gemini-pool.test.* system properties of the shared test support; unused here. */
    Map<String, String> test();

    interface Revalidate {
        /** GEMINI_POOL_REVALIDATE_EVERY: interval of the banned-key re-validation job ("off" disables it). */
        @WithDefault("30m")
        String every();

        /** GEMINI_POOL_REVALIDATE_DELAY: first run after start. */
        @WithDefault("30s")
        String delay();

        /** GEMINI_POOL_REVALIDATE_CONCURRENCY: probes in flight at once. */
        @WithDefault("4")
        int concurrency();

        /** GEMINI_POOL_REVALIDATE_TIMEOUT: per-probe timeout; a timeout is "unknown" and changes nothing. */
        @WithDefault("10S")
        Duration timeout();
    }
}
