package org.geminipool.gateway.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.geminipool.testsupport.PoolProcesses;
import org.geminipool.testsupport.ServiceProcess;

import java.util.HashMap;
import java.util.Map;

/**
 * The console's world, started once per test JVM: the real keypool-service and usage-service (their packaged jars,
 * each in its own JVM, on fresh test databases), and the console's config pointing at both. Needs
 * {@code keypool-service/target/quarkus-app} and {@code usage-service/target/quarkus-app}: in the reactor they are
 * built before this module; alone, run {@code mvn -pl keypool-service,usage-service package -DskipTests} first.
 */
public class ConsoleServicesTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_TOKEN = "console-test-admin-token";
    public static final String INTERNAL_TOKEN = "console-test-internal-token";
    static final String KEYPOOL_DB = "gp_test_console_keypool";
    static final String USAGE_DB = "gp_test_console_usage";

    private static ServiceProcess keypool;
    private static ServiceProcess usage;
    private static Map<String, String> consoleConfig;

    public static synchronized ServiceProcess keypool() {
        return keypool;
    }

    public static synchronized ServiceProcess usage() {
        return usage;
    }

    @Override
    public synchronized Map<String, String> start() {
        if (consoleConfig != null) {
            return consoleConfig;
        }
        // Verification probes go nowhere real: a closed local port.
        keypool = PoolProcesses.keypool(KEYPOOL_DB, ADMIN_TOKEN, INTERNAL_TOKEN, "http://127.0.0.1:9");
        usage = ServiceProcess.start("usage-service", PoolProcesses.usageConfig(USAGE_DB, ADMIN_TOKEN, INTERNAL_TOKEN));

        Runtime.getRuntime().addShutdownHook(new Thread(ConsoleServicesTestResource::stopAll, "console-services-stop"));

        Map<String, String> c = new HashMap<>();
        c.put("gemini-pool.admin-token", ADMIN_TOKEN);
        c.put("gemini-pool.keypool-url", keypool.baseUrl());
        c.put("gemini-pool.usage-url", usage.baseUrl());
        consoleConfig = c;
        return c;
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
