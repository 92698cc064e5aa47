package org.geminipool.simulator;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Random;

/** One simulator per test class, reset before each test; fake keys; clock alignment helpers. */
abstract class SimTestBase {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final Random RANDOM = new Random(42);

    static GeminiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = GeminiSimulator.start(0);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void resetSimulator() {
        sim.reset();
    }

    /** A generated fake key: "AIza" + 35 characters of [A-Za-z0-9_-]. */
    static synchronized String fakeKey() {
        StringBuilder b = new StringBuilder("AIza");
        for (int i = 0; i < 35; i++) {
            b.append(KEY_CHARS.charAt(RANDOM.nextInt(KEY_CHARS.length())));
        }
        return b.toString();
    }

    static String validKey(String project) {
        String k = fakeKey();
        sim.addKey(k, project, KeyStatus.VALID);
        return k;
    }

    static RequestSpecification api() {
        return RestAssured.given().baseUri(sim.baseUrl()).urlEncodingEnabled(false);
    }

    static RequestSpecification json(String body) {
        return api().contentType(ContentType.JSON).body(body);
    }

    static String userText(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}";
    }

    /**
     * Moves the simulator clock to just after the next Pacific noon, so a test has a whole fresh minute window
     * (and is far from a day boundary) no matter when it runs.
     */
    static void alignToPacificNoon() {
        ZonedDateTime now = sim.now().atZone(PACIFIC);
        ZonedDateTime noon = now.toLocalDate().atTime(12, 0).atZone(PACIFIC);
        if (!noon.isAfter(now)) {
            noon = now.toLocalDate().plusDays(1).atTime(12, 0).atZone(PACIFIC);
        }
        sim.advanceClock(Duration.between(now.toInstant(), noon.toInstant()).plusMillis(50));
    }

    static Duration untilNextPacificMidnight() {
        Instant now = sim.now();
        ZonedDateTime midnight = now.atZone(PACIFIC).toLocalDate().plusDays(1).atStartOfDay(PACIFIC);
        return Duration.between(now, midnight.toInstant());
    }
}
