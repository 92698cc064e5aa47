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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One simulator per test class, reset before each test; fake keys; clock alignment helpers. */
abstract class SimTestBase {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final Random RANDOM = new Random(42);

    static GeminiSimulator sim;

    static final String HIGH_DEMAND = "This model is currently experiencing high demand. Spikes in demand are usually "
            + "temporary. Please try again later.";
    private static final Pattern RETRY_TEXT = Pattern.compile("Please retry in ([0-9]+(?:\\.[0-9]{1,2})?)s\\.");
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\":\"([0-9]+)s\"");

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

    /**
     * Asserts that a body is exactly the expected JSON, field order included (compared in compact form, as a client's
     * parser sees it). The retry time moves with the clock, so it is first checked for Google's format ("X.XXs" in
     * the message, the truncated whole seconds in RetryInfo) and then compared as the placeholders {@code <X>} and
     * {@code <N>}.
     */
    static void assertBody(String expectedJson, String actualBody) {
        String actual = io.vertx.core.json.Json.encode(io.vertx.core.json.Json.decodeValue(actualBody));
        Matcher text = RETRY_TEXT.matcher(actual);
        if (text.find()) {
            double seconds = Double.parseDouble(text.group(1));
            assertTrue(seconds > 0 && seconds <= 60, "retry " + seconds);
            Matcher delay = RETRY_DELAY.matcher(actual);
            assertTrue(delay.find(), "RetryInfo present: " + actual);
            assertEquals((long) Math.floor(seconds), Long.parseLong(delay.group(1)), "retryDelay truncates the message's");
            actual = RETRY_DELAY.matcher(RETRY_TEXT.matcher(actual).replaceAll("Please retry in <X>s."))
                    .replaceAll("\"retryDelay\":\"<N>s\"");
        }
        String expected = io.vertx.core.json.Json.encode(io.vertx.core.json.Json.decodeValue(expectedJson));
        assertEquals(expected, actual);
    }

    /** A generated fake auth key of 2026: "AQ." + 50 characters of [A-Za-z0-9_-]. */
    static synchronized String fakeAuthKey() {
        StringBuilder b = new StringBuilder("AQ.");
        for (int i = 0; i < 50; i++) {
            b.append(KEY_CHARS.charAt(RANDOM.nextInt(KEY_CHARS.length())));
        }
        return b.toString();
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
