package org.geminipool.testsupport;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * keypool-service and usage-service as real processes for tests of the modules that call them (gateway, console):
 * each on a fresh database of the shared test server, with the given tokens.
 */
public final class PoolProcesses {

    private PoolProcesses() {
    }

    /**
     * Starts keypool-service on a fresh database {@code database}, with a generated encryption key and the scheduled
     * re-validation off (tests trigger it when they need it); probes go to {@code geminiBaseUrl}.
     */
    public static ServiceProcess keypool(String database, String adminToken, String internalToken, String geminiBaseUrl) {
        return ServiceProcess.start("keypool-service", keypoolConfig(database, adminToken, internalToken, geminiBaseUrl));
    }

    /**
     * The config of keypool-service on a fresh database {@code database} (as {@link #keypool}); start it more than once
     * for replicas on one database: they share the generated encryption key.
     */
    public static Map<String, String> keypoolConfig(String database, String adminToken, String internalToken,
                                                    String geminiBaseUrl) {
        TestDatabase.recreate(database);
        Map<String, String> config = serviceConfig(database, adminToken, internalToken);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        config.put("gemini-pool.encryption-key", Base64.getEncoder().encodeToString(secret));
        config.put("gemini-pool.gemini-base-url", geminiBaseUrl);
        config.put("gemini-pool.revalidate.every", "off");
        return config;
    }

    /** The config of usage-service on a fresh database {@code database}; keep it to restart the service alike. */
    public static Map<String, String> usageConfig(String database, String adminToken, String internalToken) {
        TestDatabase.recreate(database);
        return serviceConfig(database, adminToken, internalToken);
    }

    private static Map<String, String> serviceConfig(String database, String adminToken, String internalToken) {
        Map<String, String> config = new HashMap<>(TestDatabase.quarkusDatasource(database));
        config.put("gemini-pool.db.name", database);
        config.put("gemini-pool.admin-token", adminToken);
        config.put("gemini-pool.internal-token", internalToken);
        return config;
    }
}
