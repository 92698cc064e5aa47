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

    private static GeminiSimulator simulator;

    /** The simulator of this JVM, started on first use. */
    public static synchronized GeminiSimulator simulator() {
        if (simulator == null) {
            simulator = GeminiSimulator.start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(GeminiSimulatorTestResource::shutdown,
                    "gemini-simulator-test-shutdown"));
        }
        return simulator;
    }

    private static synchronized void shutdown() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
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
