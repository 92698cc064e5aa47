package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.quota.LeaseAnswer;
import org.geminipool.gateway.quota.KeypoolUnavailableException;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.quota.KeyLeases;
import org.geminipool.gateway.upstream.UpstreamHttp;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code family:} targets (design §5 note) from the upstream's own models list, fetched with a quota-free
 * lease (models.list costs no generation quota) and re-read every GEMINI_POOL_FAMILY_REFRESH_INTERVAL, so a route
 * follows Google's new IDs without an edit or a restart. Until the first list arrives a request waits for it; after
 * that, requests use the last list while the next one is fetched.
 */
@ApplicationScoped
public class FamilyResolver {

    private static final Logger LOG = Logger.getLogger(FamilyResolver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PAGES = 20;

    @Inject
    KeyLeases leases;
    @Inject
    UpstreamHttp http;
    @Inject
    GatewayConfig config;
    @Inject
    org.geminipool.gateway.metrics.GatewayMetrics metrics;

    private volatile List<String> ids;
    private volatile Future<List<String>> inFlight;
    private final Map<String, String> lastResolved = new ConcurrentHashMap<>();

    /** The concrete ID {@code family} resolves to now; fails when no listed model belongs to it. */
    public Future<String> resolve(String family) {
        List<String> known = ids;
        Future<List<String>> list = known != null ? Future.succeededFuture(known) : refresh();
        return list.map(current -> {
            Optional<String> id = ModelFamily.resolve(family, current);
            if (id.isEmpty()) {
                throw new IllegalStateException("no model of family " + family + " in the upstream's models list");
            }
            String previous = lastResolved.put(family, id.get());
            if (previous != null && !previous.equals(id.get())) {
                LOG.infof("family %s now resolves to %s (was %s)", family, id.get(), previous);
            }
            return id.get();
        });
    }

    /** The model IDs of the last list (empty before the first one). */
    public List<String> listed() {
        List<String> known = ids;
        return known == null ? List.of() : known;
    }

    @Scheduled(every = "${gemini-pool.family-refresh-interval}", delay = 2,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        refresh();
    }

    /** Fetches the list again (one fetch at a time; callers share it). */
    public synchronized Future<List<String>> refresh() {
        Future<List<String>> running = inFlight;
        if (running != null && !running.isComplete()) {
            return running;
        }
        Promise<List<String>> promise = Promise.promise();
        inFlight = promise.future();
        leases.lease(new LeaseRequest(null, null, "family-refresh", true)).subscribe().with(answer -> {
            if (answer instanceof LeaseAnswer.Unavailable unavailable) {
                promise.fail(new KeypoolUnavailableException("keypool unavailable: " + unavailable.why()));
                return;
            }
            if (!(answer instanceof LeaseAnswer.Granted granted)) {
                promise.fail("no key to read the models list with: " + answer);
                return;
            }
            fetch(granted.grant().apiKey(), null, new ArrayList<>(), 0, promise);
        }, promise::fail);
        return promise.future().onSuccess(list -> {
                    ids = List.copyOf(list);
                    metrics.learnModels(list); // listed models label their own metric series
                })
                .onFailure(e -> LOG.debugf("models list for family targets not refreshed: %s", e.getMessage()));
    }

    private void fetch(String apiKey, String pageToken, List<String> out, int page, Promise<List<String>> promise) {
        String url = config.geminiBaseUrl() + "/v1beta/models?pageSize=1000"
                + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-goog-api-key", apiKey);
        http.send(HttpMethod.GET, url, headers, null)
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("models list answered " + response.statusCode());
                    }
                    return body;
                }))
                .onFailure(promise::fail)
                .onSuccess(body -> {
                    try {
                        JsonNode root = JSON.readTree(body.getBytes());
                        for (JsonNode m : root.path("models")) {
                            String name = m.path("name").asText("");
                            out.add(name.startsWith("models/") ? name.substring(7) : name);
                        }
                        String next = root.path("nextPageToken").asText("");
                        if (!next.isEmpty() && page + 1 < MAX_PAGES) {
                            fetch(apiKey, next, out, page + 1, promise);
                        } else {
                            promise.complete(out);
                        }
                    } catch (Exception e) {
                        promise.fail(e);
                    }
                });
    }
}
