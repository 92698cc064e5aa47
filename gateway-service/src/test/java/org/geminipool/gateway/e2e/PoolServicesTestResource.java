package org.geminipool.gateway.e2e;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.testsupport.GeminiSimulatorTestResource;
import org.geminipool.testsupport.PoolProcesses;
import org.geminipool.testsupport.ServiceProcess;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place the gateway's end-to-end tests get their world from, started once per test JVM: the in-process
 * gemini-simulator, a real keypool-service and usage-service (packaged jars in their own JVMs) on fresh test
 * databases, and the gateway's config pointing at all three. Tests reach them through the static accessors; the
 * usage-service can be stopped and restarted on the same port (loss check).
 */
public class PoolServicesTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_TOKEN = "e2e-client-token";
    public static final String SECOND_CLIENT_TOKEN = "e2e-client-token-2";
    public static final String ADMIN_TOKEN = "e2e-admin-token";
    public static final String INTERNAL_TOKEN = "e2e-internal-token";
    public static final String OPENROUTER_KEY = "sk-or-e2e-key";
    static final String KEYPOOL_DB = "gp_test_gateway_keypool";
    static final String USAGE_DB = "gp_test_gateway_usage";

    private static ServiceProcess keypool;
    private static ServiceProcess usage;
    private static Map<String, String> usageConfig;
    private static int usagePort;
    private static Map<String, String> gatewayConfig;

    public static synchronized GeminiSimulator simulator() {
        return GeminiSimulatorTestResource.simulator();
    }

    public static synchronized ServiceProcess keypool() {
        return keypool;
    }

    public static synchronized ServiceProcess usage() {
        return usage;
    }

    @Override
    public synchronized Map<String, String> start() {
        if (gatewayConfig != null) {
            return gatewayConfig;
        }
        GeminiSimulator sim = simulator();
        keypool = PoolProcesses.keypool(KEYPOOL_DB, ADMIN_TOKEN, INTERNAL_TOKEN, sim.baseUrl());
        usageConfig = PoolProcesses.usageConfig(USAGE_DB, ADMIN_TOKEN, INTERNAL_TOKEN);
        usage = ServiceProcess.start("usage-service", usageConfig);
        usagePort = usage.port();

        Runtime.getRuntime().addShutdownHook(new Thread(PoolServicesTestResource::stopAll, "pool-services-stop"));

        Map<String, String> gw = new HashMap<>();
        gw.put("gemini-pool.client-tokens", CLIENT_TOKEN + "," + SECOND_CLIENT_TOKEN);
        gw.put("gemini-pool.internal-token", INTERNAL_TOKEN);
        gw.put("gemini-pool.keypool-url", keypool.baseUrl());
        gw.put("gemini-pool.usage-url", usage.baseUrl());
        gw.put("gemini-pool.gemini-base-url", sim.baseUrl());
        gw.put("gemini-pool.openrouter-base-url", sim.baseUrl() + "/api/v1");
        gw.put("gemini-pool.openrouter-api-key", OPENROUTER_KEY);
        gw.put("gemini-pool.usage.ship-interval", "1s");
        // Only the first client token may pick a route with the x-gemini-pool-route header.
        gw.put("gemini-pool.route-header-tokens", CLIENT_TOKEN);
        // A fresh world: spill files of an earlier run name key ids of an earlier keypool database.
        Path spill = Path.of("target", "usage-spill").toAbsolutePath();
        deleteTree(spill);
        gw.put("gemini-pool.usage.spill-dir", spill.toString());
        gw.put("gemini-pool.usage.queue-capacity", "20");
        gw.put("gemini-pool.usage.batch-size", "10");
        gw.put("gemini-pool.max-body-size", "64K");
        // Room for three largest bodies at once (HostileInputTest fills it on purpose).
        gw.put("gemini-pool.max-body-bytes-in-flight", "200K");
        // Short enough for a test to wait out a silent upstream (the simulator answers in milliseconds otherwise).
        gw.put("gemini-pool.upstream-timeout", "6s");
        // The console (served by this gateway) with the same admin token as keypool and usage.
        gw.put("gemini-pool.admin-token", ADMIN_TOKEN);
        // Live API: a small per-token cap (LiveSessionsTest reaches it) and a small frame limit (a huge frame is refused).
        gw.put("gemini-pool.live.sessions-per-token", "5");
        gw.put("gemini-pool.live.max-frame-size", "2M");
        // ... and an idle close a test can wait for (the Live tests' sessions are busy for much less).
        gw.put("gemini-pool.live.idle-timeout", "10s");
        gatewayConfig = gw;
        return gw;
    }

    private static void deleteTree(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stops usage-service (SIGTERM); the gateway keeps its events queued until {@link #startUsage()}. */
    public static synchronized void stopUsage() {
        if (usage != null) {
            usage.close();
            usage = null;
        }
    }

    /** Kills usage-service (SIGKILL: no shutdown, a batch in flight is cut off); {@link #startUsage()} brings it back. */
    public static synchronized void killUsage() {
        if (usage != null) {
            usage.kill();
            usage = null;
        }
    }

    /** Starts usage-service again on the same port and database. */
    public static synchronized void startUsage() {
        if (usage == null) {
            usage = ServiceProcess.start("usage-service", usageConfig, usagePort);
        }
    }

    private static synchronized void stopAll() {
        if (usage != null) {
            usage.close();
        }
        if (keypool != null) {
            keypool.close();
        }
    }

    @Override
    public void stop() {
        // Kept for the next test class of this JVM; stopped by the shutdown hook.
    }
}
