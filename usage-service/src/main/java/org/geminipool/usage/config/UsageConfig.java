package org.geminipool.usage.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/** usage-service settings; every one has an env variable (see usage-service/README.md). */
@ConfigMapping(prefix = "gemini-pool")
public interface UsageConfig {

    /** {@code GEMINI_POOL_ADMIN_TOKEN}: query routes; unset means every query answers 401. */
    @WithName("admin-token")
    Optional<String> adminToken();

    /** {@code GEMINI_POOL_INTERNAL_TOKEN}: {@code POST /usage/events}; unset means every post answers 401. */
    @WithName("internal-token")
    Optional<String> internalToken();

    Usage usage();

    interface Usage {
        /** Most events accepted in one {@code POST /usage/events}; larger batches answer 413. */
        @WithDefault("1000")
        int maxBatchSize();

        /** Longest {@code /usage/summary} range, in days (both ends included). */
        @WithDefault("92")
        int maxRangeDays();

        /** Days a raw event is kept after it was received (also the window in which a re-sent event is recognised). */
        @WithDefault("7")
        int retentionDays();

        Prune prune();
    }

    interface Prune {
        /** Rows deleted per {@code DELETE … LIMIT n} statement. */
        @WithDefault("5000")
        int batchSize();

        /** Most delete statements per run; what is left waits for the next run. */
        @WithDefault("200")
        int maxBatches();
    }
}
