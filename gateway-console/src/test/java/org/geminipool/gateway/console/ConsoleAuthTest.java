package org.geminipool.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import org.geminipool.testsupport.RawHttp;

import static org.geminipool.gateway.console.ConsoleTestSupport.csrf;
import static org.geminipool.gateway.console.ConsoleTestSupport.keypoolApi;
import static org.geminipool.gateway.console.ConsoleTestSupport.login;
import static org.geminipool.gateway.console.ConsoleTestSupport.page;
import static org.geminipool.gateway.console.ConsoleTestSupport.rawKey;
import static org.geminipool.gateway.console.ConsoleTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Login, session cookie, logout, CSRF, and that nothing but the login page answers without a session. */
@QuarkusTest
@WithTestResource(ConsoleServicesTestResource.class)
class ConsoleAuthTest {

    static final List<String> GET_ROUTES = List.of("/console", "/console/", "/console/keys", "/console/keys?state=ACTIVE",
            "/console/usage", "/console/usage?date=2026-01-01", "/console/usage/keys.csv", "/console/usage/clients.csv",
            "/console/routes", "/console/objects", "/console/objects?project=x", "/console/api/overview",
            "/console/no-such-page");
    static final List<String> POST_ROUTES = List.of("/console/logout", "/console/keys/import", "/console/keys/1/disable",
            "/console/keys/1/delete", "/console/keys/1/enable", "/console/keys/1/verify", "/console/keys/1/pools");

    @Test
    void withoutSessionHtmlIsSentToLoginAndNothingElseGetsData() {
        for (String path : GET_ROUTES) {
            Response html = RestAssured.given().redirects().follow(false).accept("text/html").get(path);
            if (path.startsWith("/console/api/")) {
                assertEquals(401, html.statusCode(), path);
            } else {
                assertEquals(303, html.statusCode(), path);
                assertTrue(html.getHeader("Location").endsWith("/console/login"), path + " → " + html.getHeader("Location"));
            }
            assertFalse(html.asString().contains("AIza"), path);
            Response json = RestAssured.given().redirects().follow(false).accept("application/json").get(path);
            assertEquals(401, json.statusCode(), path);
            assertTrue(json.asString().contains("log in"), path);
            Response csv = RestAssured.given().redirects().follow(false).accept("text/csv").get(path);
            assertEquals(401, csv.statusCode(), path);
        }
        for (String path : POST_ROUTES) {
            Response r = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                    .formParam("csrf", "x").formParam("confirm", "yes").formParam("keys", rawKey())
                    .formParam("pools", "x").post(path);
            assertEquals(401, r.statusCode(), path);
        }
        // The login page itself and the stylesheet are public; neither holds data.
        assertEquals(200, RestAssured.given().get("/console/login").statusCode());
        Response css = RestAssured.given().get("/console/assets/console.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.getContentType().startsWith("text/css"), css.getContentType());
    }

    /** Every spelling of a console path the router would serve as one: decided on the routed path, never data. */
    @Test
    void encodedConsolePathsNeedASessionToo() {
        int port = RestAssured.port;
        List<String> paths = List.of("/%63onsole/api/overview", "/%63onsole/keys", "/consol%65/usage",
                "/%63onsole/usage/clients.csv", "/%63onsole/usage/keys.csv", "/%63onsole/routes", "/%63onsole",
                "/%63%6F%6E%73%6F%6C%65/api/overview", "/console/%2e%2e/console/keys", "/x/../console/api/overview",
                "//console/keys", "/console//api/overview", "/console/./usage", "/console/api/overview;",
                "/console;a=b/keys", "/%2563onsole/keys");
        for (String path : paths) {
            for (String accept : List.of("text/html", "application/json", "text/csv")) {
                RawHttp.Answer a = RawHttp.get(port, path, Map.of("Accept", accept));
                assertTrue(a.status() == 303 || a.status() == 401 || a.status() == 404 || a.status() == 400,
                        path + " (" + accept + ") answered " + a.status() + ": " + a.body());
                assertFalse(a.body().contains("AIza") || a.body().contains("totals") || a.body().contains("keyId"),
                        path + ": " + a.body());
            }
            RawHttp.Answer post = RawHttp.send(port, "POST", path.replace("api/overview", "keys/1/disable"),
                    Map.of("Content-Type", "application/x-www-form-urlencoded"), "csrf=x&confirm=yes");
            assertTrue(post.status() == 401 || post.status() == 404 || post.status() == 400 || post.status() == 405,
                    path + " POST answered " + post.status());
        }
        assertEquals(401, RawHttp.get(port, "/%63onsole/api/overview", Map.of("Accept", "application/json")).status());
        assertEquals(303, RawHttp.get(port, "/consol%65/usage", Map.of("Accept", "text/html")).status());
        // Logged in, the same spellings work (it is the same page).
        String cookie = login();
        RawHttp.Answer in = RawHttp.get(port, "/%63onsole/api/overview",
                Map.of("Accept", "application/json", "Cookie", "gp_console=" + cookie));
        assertEquals(200, in.status(), in.body());
    }

    @Test
    void failedLoginsPerSourceAreLimited() {
        String source = "198.51.100." + (1 + new java.util.Random().nextInt(250));
        for (int i = 0; i < 5; i++) {
            Response r = loginFrom(source, "wrong-" + i);
            assertEquals(401, r.statusCode(), "failure " + (i + 1));
        }
        Response locked = loginFrom(source, "wrong-again");
        assertEquals(429, locked.statusCode());
        long retry = Long.parseLong(locked.getHeader("Retry-After"));
        assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        // Locked out means locked out: the right token from that source is not heard either.
        Response right = loginFrom(source, ConsoleServicesTestResource.ADMIN_TOKEN);
        assertEquals(429, right.statusCode());
        assertNull(right.getHeader("Set-Cookie"));
        // Another source is not affected.
        assertEquals(303, loginFrom("203.0.113.9", ConsoleServicesTestResource.ADMIN_TOKEN).statusCode());
    }

    private static Response loginFrom(String source, String token) {
        return RestAssured.given().redirects().follow(false).header("X-Forwarded-For", source)
                .contentType("application/x-www-form-urlencoded").formParam("token", token).post("/console/login");
    }

    @Test
    void forgedOrExpiredLookingCookiesAreRefused() {
        String good = login();
        String[] forged = {"v1.9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA"), "garbage",
                ConsoleServicesTestResource.ADMIN_TOKEN};
        for (String cookie : forged) {
            Response r = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie).accept("text/html")
                    .get("/console/keys");
            assertEquals(303, r.statusCode(), cookie);
            assertTrue(r.getHeader("Set-Cookie").contains("Max-Age=0"), "a bad cookie is cleared");
        }
    }

    @Test
    void wrongTokenGetsNoCookie() {
        for (String token : new String[]{"wrong", "", ConsoleServicesTestResource.ADMIN_TOKEN + "x",
                ConsoleServicesTestResource.INTERNAL_TOKEN}) {
            Response r = loginFrom("192.0.2.77", token);
            assertEquals(401, r.statusCode(), token);
            assertNull(r.getHeader("Set-Cookie"), token);
            assertTrue(r.asString().contains("not the admin token"), r.asString());
        }
    }

    @Test
    void sessionCookieIsHttpOnlyStrictScopedAndExpires() {
        Response r = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", ConsoleServicesTestResource.ADMIN_TOKEN).post("/console/login");
        assertEquals(303, r.statusCode());
        assertTrue(r.getHeader("Location").endsWith("/console"), r.getHeader("Location"));
        String set = r.getHeader("Set-Cookie");
        assertTrue(set.startsWith("gp_console="), set);
        assertTrue(set.contains("; HttpOnly"), set);
        assertTrue(set.contains("; SameSite=Strict"), set);
        assertTrue(set.contains("; Path=/console"), set);
        assertTrue(set.contains("; Max-Age=28800"), set);
        assertTrue(set.contains("; Expires="), set);
        assertFalse(set.contains("Secure"), "plain http: no Secure attribute: " + set);
        assertFalse(set.contains(ConsoleServicesTestResource.ADMIN_TOKEN), "the cookie never holds the token");

        Response https = RestAssured.given().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .contentType("application/x-www-form-urlencoded")
                .formParam("token", ConsoleServicesTestResource.ADMIN_TOKEN).post("/console/login");
        assertTrue(https.getHeader("Set-Cookie").contains("; Secure"), https.getHeader("Set-Cookie"));

        // Logged in: the login page sends you on (no loop), and pages are no-store and unframeable.
        String cookie = r.getCookie("gp_console");
        Response again = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie).get("/console/login");
        assertEquals(303, again.statusCode());
        Response overview = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie).get("/console");
        assertEquals(200, overview.statusCode());
        assertEquals("no-store", overview.getHeader("Cache-Control"));
        assertEquals("DENY", overview.getHeader("X-Frame-Options"));
        assertTrue(overview.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"));
    }

    @Test
    void formPostsNeedTheSessionFormTokenAndOurOrigin() throws Exception {
        String cookie = login();
        String pool = unique("csrf");
        String imported = RestAssured.given().cookie("gp_console", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf(page(cookie, "/console/keys"))).formParam("keys", rawKey())
                .formParam("pool", pool).formParam("confirm", "yes").post("/console/keys/import").asString();
        assertTrue(imported.contains("1 added"), imported);
        JsonNode key = keypoolApi("/admin/keys?pool=" + pool).get(0);
        String id = key.get("id").asText();

        // No token, a wrong token, another session's token: refused, nothing changes.
        String otherSessionsToken = csrf(page(login(), "/console/keys"));
        for (String token : new String[]{null, "", "wrong", otherSessionsToken}) {
            var req = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie)
                    .contentType("application/x-www-form-urlencoded").formParam("confirm", "yes");
            if (token != null) {
                req.formParam("csrf", token);
            }
            Response r = req.post("/console/keys/" + id + "/disable");
            assertEquals(403, r.statusCode(), String.valueOf(token));
            assertTrue(r.asString().contains("Nothing was changed"));
        }
        assertEquals("ACTIVE", keypoolApi("/admin/keys/" + id).get("state").asText());

        // The right token from a foreign origin: refused too.
        String csrf = csrf(page(cookie, "/console/keys"));
        Response foreign = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie)
                .header("Origin", "https://evil.example").contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("confirm", "yes").post("/console/keys/" + id + "/disable");
        assertEquals(403, foreign.statusCode());
        assertEquals("ACTIVE", keypoolApi("/admin/keys/" + id).get("state").asText());

        // The right token: done.
        Response ok = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf).formParam("confirm", "yes")
                .post("/console/keys/" + id + "/disable");
        assertEquals(200, ok.statusCode(), ok.asString());
        assertEquals("DISABLED", keypoolApi("/admin/keys/" + id).get("state").asText());
    }

    @Test
    void logoutEndsTheSession() {
        String cookie = login();
        String csrf = csrf(page(cookie, "/console"));
        Response out = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf).post("/console/logout");
        assertEquals(303, out.statusCode());
        assertTrue(out.getHeader("Location").endsWith("/console/login"));
        assertTrue(out.getHeader("Set-Cookie").contains("Max-Age=0"));
        Response after = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie).accept("text/html")
                .get("/console");
        assertEquals(303, after.statusCode(), "a logged-out cookie no longer works");
    }
}
