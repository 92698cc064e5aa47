package org.geminipool.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * {@code @QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "..."))}:
 * a fresh, empty database for the service under test, on the shared test server.
 */
public class MariaDbTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "gemini_pool_test";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        TestDatabase.recreate(database);
        return TestDatabase.quarkusDatasource(database);
    }

    @Override
    public void stop() {
        // The database is left for inspection after a failed run; the next run drops it first.
    }
}
