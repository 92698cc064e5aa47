package org.geminipool.gateway.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.geminipool.testsupport.ServiceProcess;
import org.geminipool.testsupport.TestDatabase;

import java.security.SecureRandom;
import java.util.Base64;
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
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);

        TestDatabase.recreate(KEYPOOL_DB);
        Map<String, String> kp = database(KEYPOOL_DB);
        kp.put("gemini-pool.admin-token", ADMIN_TOKEN);
        kp.put("gemini-pool.internal-token", INTERNAL_TOKEN);
        kp.put("gemini-pool.encryption-key", Base64.getEncoder().encodeToString(secret));
        kp.put("gemini-pool.revalidate.every", "off");
        // Verification probes go nowhere real: a closed local port.
        kp.put("gemini-pool.gemini-base-url", "http://127.0.0.1:9");
        keypool = ServiceProcess.start("keypool-service", kp);

        TestDatabase.recreate(USAGE_DB);
        Map<String, String> us = database(USAGE_DB);
        us.put("gemini-pool.admin-token", ADMIN_TOKEN);
        us.put("gemini-pool.internal-token", INTERNAL_TOKEN);
        usage = ServiceProcess.start("usage-service", us);

        Runtime.getRuntime().addShutdownHook(new Thread(ConsoleServicesTestResource::stopAll, "console-services-stop"));

        Map<String, String> c = new HashMap<>();
        c.put("gemini-pool.admin-token", ADMIN_TOKEN);
        c.put("gemini-pool.keypool-url", keypool.baseUrl());
        c.put("gemini-pool.usage-url", usage.baseUrl());
        consoleConfig = c;
        return c;
    }

    private static Map<String, String> database(String name) {
        Map<String, String> c = new HashMap<>();
        c.put("gemini-pool.db.url", TestDatabase.serverUrl());
        c.put("gemini-pool.db.name", name);
        c.put("quarkus.datasource.username", TestDatabase.user());
        c.put("quarkus.datasource.password", TestDatabase.password());
        c.put("quarkus.datasource.jdbc.url", TestDatabase.jdbcUrl(name));
        c.put("quarkus.datasource.reactive.url", TestDatabase.serverUrl() + "/" + name);
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
