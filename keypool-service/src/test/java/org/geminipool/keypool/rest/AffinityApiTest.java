package org.geminipool.keypool.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.geminipool.keypool.TestKeys;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.geminipool.keypool.TestKeys.admin;
import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.internal;
import static org.geminipool.keypool.TestKeys.quota;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Affinity (keypool README, "Affinity"): objects recorded with the key that created them answer their project on
 * lookup, are listed per owner, refuse another owner, expire, and a lease with {@code project} only ever gets keys of
 * that project, with the project's own refusal reason when they cannot serve.
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class AffinityApiTest {

    @Inject
    TimeSource time;

    @AfterAll
    static void noRawKeyInLog() throws Exception {
        TestKeys.assertNoRawKeyInLog();
    }

    private Map<String, Object> object(String name, String keyId, String owner, Duration ttl) {
        Map<String, Object> o = new HashMap<>();
        o.put("name", name);
        o.put("keyId", keyId);
        o.put("owner", owner);
        o.put("expiresAt", Instant.ofEpochMilli(time.nowMillis()).plus(ttl).toString());
        return o;
    }

    @Test
    void recordedObjectsAnswerTheirProjectAndKeyAndAreListedPerOwner() {
        String pool = unique("aff");
        String projectA = unique("projA");
        String projectB = unique("projB");
        List<String> ids = importKeys(pool, rawKey() + " project=" + projectA, rawKey() + " project=" + projectB);
        String owner = "0123456789abcdef";
        String file = "files/" + unique("f");
        String cache = "cachedContents/" + unique("c");
        String op = "models/veo-3.1-generate-preview/operations/" + unique("op");
        internal().body(object(file, ids.get(0), owner, Duration.ofHours(48))).post("/objects").then().statusCode(204);
        internal().body(object(cache, ids.get(1), owner, Duration.ofHours(1))).post("/objects").then().statusCode(204);
        internal().body(object(op, ids.get(1), owner, Duration.ofDays(2))).post("/objects").then().statusCode(204);

        var found = internal().body(Map.of("names", List.of(file, cache, op, "files/never-seen")))
                .post("/objects/lookup").then().statusCode(200).body("objects", hasSize(3)).extract().jsonPath();
        Map<String, String> projects = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            projects.put(found.getString("objects[" + i + "].name"), found.getString("objects[" + i + "].project"));
        }
        assertEquals(Map.of(file, projectA, cache, projectB, op, projectB), projects);
        internal().body(Map.of("names", List.of(file))).post("/objects/lookup").then().statusCode(200)
                .body("objects[0].kind", equalTo("FILE")).body("objects[0].keyId", equalTo(ids.get(0)))
                .body("objects[0].owner", equalTo(owner));

        internal().queryParam("owner", owner).queryParam("kind", "FILE").get("/objects").then().statusCode(200)
                .body("objects", hasSize(1)).body("objects[0].name", equalTo(file));
        internal().queryParam("owner", "fedcba9876543210").queryParam("kind", "FILE").get("/objects").then()
                .statusCode(200).body("objects", hasSize(0));

        // The same owner may record again (a PATCH that extends a cache); another owner may not take the name.
        internal().body(object(cache, ids.get(1), owner, Duration.ofHours(3))).post("/objects").then().statusCode(204);
        internal().body(object(cache, ids.get(0), "fedcba9876543210", Duration.ofHours(3))).post("/objects").then()
                .statusCode(409).body("error", containsString("another client token"));
        internal().body(Map.of("names", List.of(cache))).post("/objects/lookup").then()
                .body("objects[0].project", equalTo(projectB));

        internal().queryParam("name", file).queryParam("owner", "fedcba9876543210").delete("/objects").then()
                .statusCode(404);
        internal().queryParam("name", file).queryParam("owner", owner).delete("/objects").then().statusCode(204);
        internal().body(Map.of("names", List.of(file))).post("/objects/lookup").then().body("objects", hasSize(0));
    }

    @Test
    void anExpiredObjectIsNotFoundAndItsNameIsFreeAgain() {
        String pool = unique("aff");
        List<String> ids = importKeys(pool, rawKey() + " project=" + unique("proj"));
        String name = "files/" + unique("exp");
        internal().body(object(name, ids.get(0), "aaaaaaaaaaaaaaaa", Duration.ofMinutes(1))).post("/objects").then()
                .statusCode(204);
        time.shift(Duration.ofMinutes(2));
        internal().body(Map.of("names", List.of(name))).post("/objects/lookup").then().body("objects", hasSize(0));
        Map<String, Object> again = object(name, ids.get(0), "bbbbbbbbbbbbbbbb", Duration.ofHours(1));
        internal().body(again).post("/objects").then().statusCode(204);
        internal().body(Map.of("names", List.of(name))).post("/objects/lookup").then()
                .body("objects[0].owner", equalTo("bbbbbbbbbbbbbbbb"));
    }

    @Test
    void badNamesOwnersAndSizesAreRefusedWithA400() {
        String pool = unique("aff");
        List<String> ids = importKeys(pool, rawKey() + " project=" + unique("proj"));
        for (String bad : List.of("", "files/../x", "files//x", "/files/x", "files/a b", "files/%2e", "files/x/",
                "files/" + "a".repeat(300), "files/./x")) {
            internal().body(object(bad, ids.get(0), "aaaaaaaaaaaaaaaa", Duration.ofHours(1))).post("/objects").then()
                    .statusCode(400);
            internal().body(Map.of("names", List.of(bad))).post("/objects/lookup").then().statusCode(400);
        }
        internal().body(object("files/ok", ids.get(0), "a b", Duration.ofHours(1))).post("/objects").then()
                .statusCode(400).body("error", containsString("owner"));
        internal().body(object("files/ok", ids.get(0), "aaaaaaaaaaaaaaaa", Duration.ofHours(-1))).post("/objects")
                .then().statusCode(400).body("error", containsString("future"));
        Map<String, Object> badKind = object("files/ok", ids.get(0), "aaaaaaaaaaaaaaaa", Duration.ofHours(1));
        badKind.put("kind", "SOMETHING");
        internal().body(badKind).post("/objects").then().statusCode(400);
        internal().body(object("files/ok", "999999999", "aaaaaaaaaaaaaaaa", Duration.ofHours(1))).post("/objects")
                .then().statusCode(404);
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add("files/n" + i);
        }
        internal().body(Map.of("names", many)).post("/objects/lookup").then().statusCode(400)
                .body("error", containsString("at most 64"));
        internal().queryParam("owner", "aaaaaaaaaaaaaaaa").queryParam("kind", "FILE").queryParam("limit", 5000)
                .get("/objects").then().statusCode(400);
        given().contentType("application/json").body(Map.of("names", List.of("files/x"))).post("/objects/lookup")
                .then().statusCode(401);
    }

    @Test
    void aLeaseWithAProjectGetsOnlyKeysOfThatProjectAndItsOwnRefusal() {
        String pool = unique("aff");
        String model = unique("m");
        quota(model, 2, 100);
        String pinned = unique("pinned");
        List<String> ids = importKeys(pool, rawKey() + " project=" + pinned, rawKey() + " project=" + unique("other"),
                rawKey() + " project=" + unique("other"));
        alignToMinuteStart();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            keys.add(internal().body(Map.of("model", model, "requestId", UUID.randomUUID().toString(), "project", pinned))
                    .post("/leases").then().statusCode(200).body("project", equalTo(pinned)).extract().path("keyId"));
        }
        assertEquals(Set.of(ids.get(0)), keys);
        // The pinned project's minute is spent: refused although the other projects have room.
        internal().body(Map.of("model", model, "requestId", UUID.randomUUID().toString(), "project", pinned))
                .post("/leases").then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
        internal().body(Map.of("model", model, "requestId", UUID.randomUUID().toString(), "quotaFree", true,
                "project", pinned)).post("/leases").then().statusCode(200).body("keyId", equalTo(ids.get(0)));
        internal().body(Map.of("pool", pool, "model", model, "requestId", UUID.randomUUID().toString()))
                .post("/leases").then().statusCode(200);

        admin().contentType("application/json").body(Map.of("state", "DISABLED")).patch("/admin/keys/" + ids.get(0))
                .then().statusCode(200);
        internal().body(Map.of("model", model, "requestId", UUID.randomUUID().toString(), "quotaFree", true,
                "project", pinned)).post("/leases").then().statusCode(429).body("reason", equalTo("NO_KEYS"));
        internal().body(Map.of("model", model, "requestId", UUID.randomUUID().toString(), "project", "no such/"))
                .post("/leases").then().statusCode(400);
        internal().body(Map.of("model", model, "requestId", UUID.randomUUID().toString(), "project", unique("none")))
                .post("/leases").then().statusCode(429).body("reason", equalTo("NO_KEYS"));
    }

    @Test
    void theAdminPagesPinnedObjectsByProjectWithoutKeysOrTokens() {
        String pool = unique("aff-admin");
        String projectA = unique("adminA");
        String projectB = unique("adminB");
        String rawA = rawKey();
        List<String> ids = importKeys(pool, rawA + " project=" + projectA, rawKey() + " project=" + projectB);
        String owner = "fedcba9876543210";
        String f1 = "files/" + unique("af1");
        String f2 = "files/" + unique("af2");
        String video = "videos/" + unique("av");
        internal().body(object(f1, ids.get(0), owner, Duration.ofHours(48))).post("/objects").then().statusCode(204);
        internal().body(object(f2, ids.get(0), owner, Duration.ofHours(48))).post("/objects").then().statusCode(204);
        time.shift(Duration.ofMillis(5)); // the video is the owner's newest
        internal().body(object(video, ids.get(1), owner, Duration.ofDays(2))).post("/objects").then().statusCode(204);

        var page = admin().queryParam("project", projectA).get("/admin/objects").then().statusCode(200)
                .body("objects", hasSize(2)).body("nextOffset", org.hamcrest.Matchers.nullValue()).extract().jsonPath();
        assertEquals(Set.of(f1, f2), new HashSet<>(page.getList("objects.name")));
        assertEquals(List.of("FILE", "FILE"), page.getList("objects.kind"));
        assertEquals(List.of(projectA, projectA), page.getList("objects.project"));
        assertEquals(List.of(ids.get(0), ids.get(0)), page.getList("objects.keyId"));
        assertEquals(List.of(owner, owner), page.getList("objects.owner"));
        org.junit.jupiter.api.Assertions.assertNotNull(page.getString("objects[0].createdAt"));
        org.junit.jupiter.api.Assertions.assertNotNull(page.getString("objects[0].expiresAt"));
        String body = admin().queryParam("project", projectA).get("/admin/objects").asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains(rawA), "a raw key in the answer");
        // Paged: one per page, then the next offset; a kind narrows it.
        admin().queryParam("project", projectA).queryParam("limit", 1).get("/admin/objects").then().statusCode(200)
                .body("objects", hasSize(1)).body("nextOffset", equalTo(1));
        admin().queryParam("project", projectA).queryParam("limit", 1).queryParam("offset", 1).get("/admin/objects")
                .then().statusCode(200).body("objects", hasSize(1)).body("nextOffset", org.hamcrest.Matchers.nullValue());
        admin().queryParam("project", projectB).queryParam("kind", "VIDEO").get("/admin/objects").then()
                .statusCode(200).body("objects.name", equalTo(List.of(video)));
        admin().queryParam("limit", 0).get("/admin/objects").then().statusCode(400);
        admin().queryParam("kind", "NOPE").get("/admin/objects").then().statusCode(400);
        admin().queryParam("offset", -1).get("/admin/objects").then().statusCode(400);
        // The owner's newest object's project (where the gateway steers the owner's next object-less create).
        internal().queryParam("owner", owner).get("/objects/project").then().statusCode(200)
                .body("project", equalTo(projectB));
        internal().queryParam("owner", "0000000000000000").get("/objects/project").then().statusCode(200)
                .body("project", org.hamcrest.Matchers.nullValue());
        internal().queryParam("owner", "not an owner!").get("/objects/project").then().statusCode(400);
        // The admin token only: the gateway's internal token does not read it.
        internal().get("/admin/objects").then().statusCode(401);
        given().get("/admin/objects").then().statusCode(401);
    }

    private void alignToMinuteStart() {
        long into = time.nowMillis() % 60_000;
        if (into > 50_000) {
            time.shift(Duration.ofMillis(60_000 - into));
        }
    }
}
