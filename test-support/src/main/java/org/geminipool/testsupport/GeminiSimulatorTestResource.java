package org.geminipool.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.geminipool.simulator.GeminiSimulator;

import java.util.Map;

/**
 * {@code @QuarkusTestResource(GeminiSimulatorTestResource.class)}: one {@link GeminiSimulator} per test JVM, on a
 * random port of 127.0.0.1, shared by every test class that names this resource. Tests reach it through
 * {@link #simulator()} to add keys, set quotas, move the clock or inject failures (call {@code reset()} between
 * tests that need a clean upstream). The service under test gets {@code gemini-pool.gemini-base-url} and
 * {@code gemini-pool.openrouter-base-url} pointing at it.
 */
public class GeminiSimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    /** The base URL of the running simulator, as a system property visible to every class loader. */
    static final String URL_PROPERTY = "gemini-pool.test.simulator-url";

    private static GeminiSimulator simulator;

    /**
     * The simulator of this class loader, started on first use. Normally one per test JVM; if Quarkus reloads this
     * class in a new class loader (an app restart between test classes), that loader starts its own, and the
     * resource of that loader hands its URL to the restarted service, so test and service still agree.
     * {@code System.getProperty("gemini-pool.test.simulator-url")} names the latest one.
     */
    public static synchronized GeminiSimulator simulator() {
        if (simulator != null) {
            return simulator;
        }
        simulator = GeminiSimulator.start(0);
        System.setProperty(URL_PROPERTY, simulator.baseUrl());
        GeminiSimulator sim = simulator;
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "gemini-simulator-test-shutdown"));
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        GeminiSimulator sim = simulator();
        return Map.of(
                "gemini-pool.gemini-base-url", sim.baseUrl(),
                "gemini-pool.openrouter-base-url", sim.baseUrl() + "/api/v1");
    }

    @Override
    public void stop() {
        // Kept running for the next test class of this JVM (Quarkus may restart the app between classes);
        // closed by the shutdown hook when the JVM exits.
    }
}
