package org.geminipool.gateway.it;

import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.testsupport.FakeKeys;
import org.geminipool.testsupport.GeminiSimulatorTestResource;
import org.geminipool.testsupport.PoolProcesses;
import org.geminipool.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.geminipool.gateway.it.PackagedStack.ADMIN;
import static org.geminipool.gateway.it.PackagedStack.INTERNAL;
import static org.geminipool.gateway.it.PackagedStack.admin;
import static org.geminipool.gateway.it.PackagedStack.gatewayConfig;
import static org.geminipool.gateway.it.PackagedStack.generate;
import static org.geminipool.gateway.it.PackagedStack.importKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateways, each in front of its own keypool replica, the two replicas on one database (a deployment of
 * two of each): a client alternates between the gateways over two projects with free-tier-sized quotas (5 rpm, or
 * 20 rpd). No client gets a 429 while either project could still serve, exactly the capacity of both is served, and
 * once all is spent both gateways answer 429. With the limits known to the keypool Google never refuses a call
 * (nothing is ever over quota); with limits the keypool must learn from Google's 429s, the refusals stay hidden from
 * the client.
 */
class TwoGatewaysSmallQuotasIT {

    private static final PackagedStack.Started STARTED = new PackagedStack.Started();
    /** The keypool ids of the current round's keys. */
    private static final List<String> ACTIVE = new ArrayList<>();
    private static GeminiSimulator sim;
    private static ServiceProcess keypoolA;
    private static ServiceProcess keypoolB;
    private static ServiceProcess gatewayA;
    private static ServiceProcess gatewayB;

    @BeforeAll
    static void start() {
        sim = GeminiSimulatorTestResource.simulator();
        Map<String, String> keypool = PoolProcesses.keypoolConfig("gp_test_gateway_it_replicas", ADMIN, INTERNAL,
                sim.baseUrl());
        keypoolA = STARTED.add(ServiceProcess.start("keypool-service", keypool));
        keypoolB = STARTED.add(ServiceProcess.start("keypool-service", keypool));
        ServiceProcess usage = STARTED.add(ServiceProcess.start("usage-service",
                PoolProcesses.usageConfig("gp_test_gateway_it_replicas_usage", ADMIN, INTERNAL)));
        gatewayA = STARTED.add(ServiceProcess.start("gateway-service", gatewayConfig(keypoolA, usage, sim)));
        gatewayB = STARTED.add(ServiceProcess.start("gateway-service", gatewayConfig(keypoolB, usage, sim)));
    }

    @AfterAll
    static void stop() {
        STARTED.close();
    }

    /** A model of its own (served like gemini-3.8-flash, on its own quota model) in two fresh projects of a pool. */
    private record Setup(String model, List<String> projects) {
    }

    private static Setup twoProjects(int rpm, int rpd) throws Exception {
        String model = "gemini-3.8-flash-it" + UUID.randomUUID().toString().substring(0, 8);
        sim.addModel(model, "gemini-3.8-flash");
        List<String> keys = List.of(FakeKeys.standard(), FakeKeys.anyKind());
        List<String> projects = new ArrayList<>();
        for (String key : keys) {
            String project = GeminiSimulator.ownProject(key);
            sim.addKey(key, project, KeyStatus.VALID);
            sim.setProjectQuota(project, model, rpm, rpd);
            projects.add(project);
        }
        // A concrete model goes direct (any pool's keys may serve it): the keys of earlier rounds step aside.
        for (String id : ACTIVE) {
            setState(id, "DISABLED");
        }
        ACTIVE.clear();
        // Imported through one replica, enabled through the other: an admin write reloads the replica it reaches
        // before it answers; the other would see the import only after its next poll (GEMINI_POOL_SNAPSHOT_POLL).
        for (String id : importKeys(keypoolA, "replicas-" + model, keys).values()) {
            setState(id, "ACTIVE");
            ACTIVE.add(id);
        }
        return new Setup(model, projects);
    }

    private static void setState(String keyId, String state) throws Exception {
        HttpResponse<String> patch = admin(keypoolB, "PATCH", "/admin/keys/" + keyId, "application/json",
                "{\"state\":\"" + state + "\"}");
        assertEquals(200, patch.statusCode(), patch.body());
    }

    /** The keypool is told the limits (through the replica the first gateway does not use). */
    private static void configure(Setup setup, int rpm, int rpd) throws Exception {
        HttpResponse<String> put = admin(keypoolB, "PUT", "/admin/quotas/" + setup.model(), "application/json",
                "{\"rpm\":" + rpm + ",\"rpd\":" + rpd + "}");
        assertEquals(200, put.statusCode(), put.body());
    }

    /**
     * {@code capacity + 4} calls alternating between the gateways; answers the status of each. Fails on anything but
     * 200 and 429.
     */
    private static List<Integer> alternate(Setup setup, int capacity) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int n = 0; n < capacity + 4; n++) {
            HttpResponse<String> r = generate(n % 2 == 0 ? gatewayA : gatewayB, setup.model(), "replica call " + n);
            assertTrue(r.statusCode() == 200 || r.statusCode() == 429, r.statusCode() + " " + r.body());
            statuses.add(r.statusCode());
        }
        return statuses;
    }

    private static void assertServedExactlyTheCapacityThenRefused(List<Integer> statuses, int capacity) {
        assertEquals(capacity, statuses.indexOf(429), "no client 429 while either project could serve: " + statuses);
        assertEquals(capacity, statuses.stream().filter(s -> s == 200).count(), "exactly the capacity: " + statuses);
    }

    /**
     * Google's first refusal teaches the keypool the project's limit: the replica that got it stops leasing the
     * project at once, the other at its next reservation or poll (a unit already in its block may still go out,
     * keypool README "Quota blocks"), so a project is refused at most once per replica in a window.
     */
    private static void assertAtMostOneRefusalPerReplica(Setup setup, String project) {
        long refused = sim.refused(project, setup.model());
        assertTrue(refused <= 2, "refused " + refused + " times: " + project);
    }

    /**
     * Runs {@code round} at the start of a minute, again if the minute turned during it (its counts started again):
     * a bounded wait, not a timed assertion.
     */
    private static void withinOneMinute(ThrowingRunnable round) throws Exception {
        for (int attempt = 0; ; attempt++) {
            while (System.currentTimeMillis() % 60_000 > 30_000) {
                Thread.sleep(250);
            }
            long minute = System.currentTimeMillis() / 60_000;
            try {
                round.run();
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() / 60_000 == minute || attempt == 2) {
                    throw e;
                }
            }
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * One round: two fresh projects of {@code rpm} / {@code rpd} for a model of their own, the limits told to the
     * keypool or left to be learned, and the alternating client past their capacity.
     */
    private static void round(int rpm, int rpd, boolean limitsKnown) throws Exception {
        Setup setup = twoProjects(rpm, rpd);
        if (limitsKnown) {
            configure(setup, rpm, rpd);
        }
        int perProject = Math.min(rpm, rpd);
        assertServedExactlyTheCapacityThenRefused(alternate(setup, 2 * perProject), 2 * perProject);
        for (String project : setup.projects()) {
            assertEquals(perProject, sim.accepted(project, setup.model()), project);
            if (limitsKnown) {
                assertEquals(0, sim.refused(project, setup.model()), "Google never asked beyond the quota: " + project);
            } else {
                assertAtMostOneRefusalPerReplica(setup, project);
            }
        }
    }

    @Test
    void twentyRequestsADayPerProjectAreAllServedAndNeverExceeded() throws Exception {
        round(1000, 20, true);
    }

    @Test
    void fiveRequestsAMinutePerProjectAreAllServedAndNeverExceeded() throws Exception {
        withinOneMinute(() -> round(5, 1000, true));
    }

    @Test
    void limitsLearnedFromGooglesRefusalsStayHiddenFromTheClient() throws Exception {
        withinOneMinute(() -> round(5, 1000, false));
        round(1000, 20, false);
    }
}
