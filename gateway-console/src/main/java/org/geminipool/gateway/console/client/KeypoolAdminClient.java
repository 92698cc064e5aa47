package org.geminipool.gateway.console.client;

import com.fasterxml.jackson.core.type.TypeReference;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.contract.affinity.PinnedObjectsPage;
import org.geminipool.gateway.console.ConsoleSettings;
import org.geminipool.gateway.console.client.AdminModels.ImportResult;
import org.geminipool.gateway.console.client.AdminModels.KeyInfo;
import org.geminipool.gateway.console.client.AdminModels.LimitsTable;
import org.geminipool.gateway.console.client.AdminModels.PoolCapacity;
import org.geminipool.gateway.console.client.AdminModels.PoolInfo;
import org.geminipool.gateway.console.client.AdminModels.QuotaTable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** keypool-service's admin API with the admin token (GEMINI_POOL_KEYPOOL_URL). Blocking; call from worker threads. */
@ApplicationScoped
public class KeypoolAdminClient {

    @Inject
    ConsoleSettings settings;

    private Backend backend;
    private KeypoolAdminApi api;

    @PostConstruct
    void init() {
        backend = new Backend("keypool-service", settings.keypoolUrl());
        api = backend.build(KeypoolAdminApi.class, settings.backendTimeout());
    }

    private String auth() {
        return Backend.auth(settings.adminToken());
    }

    public List<KeyInfo> keys(String pool, String state, String project) {
        return backend.read(backend.call("GET /admin/keys", () -> api.keys(auth(), pool, state, project)),
                new TypeReference<List<KeyInfo>>() { });
    }

    public KeyInfo key(String id) {
        return backend.read(backend.call("GET /admin/keys/" + id, () -> api.key(auth(), id)), KeyInfo.class);
    }

    public KeyInfo setState(String id, String state) {
        return patch(id, Map.of("state", state));
    }

    public KeyInfo setPools(String id, List<String> pools) {
        return patch(id, Map.of("pools", pools));
    }

    private KeyInfo patch(String id, Map<String, Object> body) {
        String json;
        try {
            json = Backend.JSON.writeValueAsString(new LinkedHashMap<>(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return backend.read(backend.call("PATCH /admin/keys/" + id, () -> api.patch(auth(), id, json)), KeyInfo.class);
    }

    public void delete(String id) {
        backend.call("DELETE /admin/keys/" + id, () -> api.delete(auth(), id));
    }

    /** Raw key text goes to keypool only; it is never kept, logged or shown by the console. */
    public ImportResult importKeys(String text, String pool, String project) {
        return backend.read(backend.call("POST /admin/keys/import", () -> api.importKeys(auth(), pool, project, text)),
                ImportResult.class);
    }

    /** The verification answer as keypool gives it (a key view or a check result). */
    public Map<String, Object> verify(String id) {
        String body = backend.call("POST /admin/keys/" + id + "/verify", () -> api.verify(auth(), id));
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        return backend.read(body, new TypeReference<Map<String, Object>>() { });
    }

    public List<PoolInfo> pools() {
        return backend.read(backend.call("GET /admin/pools", () -> api.pools(auth())),
                new TypeReference<List<PoolInfo>>() { });
    }

    public PoolCapacity capacity(String pool) {
        return backend.read(backend.call("GET /admin/pools/" + pool + "/capacity", () -> api.capacity(auth(), pool)),
                PoolCapacity.class);
    }

    public QuotaTable quotas() {
        return backend.read(backend.call("GET /admin/quotas", () -> api.quotas(auth())), QuotaTable.class);
    }

    /** Every (project, quota model) limit with its source, learned mappings and retired models (design §3). */
    public LimitsTable limits() {
        return backend.read(backend.call("GET /admin/limits", () -> api.limits(auth())), LimitsTable.class);
    }

    /** A page of the stored objects the pool pinned to their project (keypool README "Affinity"). */
    public PinnedObjectsPage objects(String project, String kind, int offset, int limit) {
        return backend.read(backend.call("GET /admin/objects", () -> api.objects(auth(), project, kind, offset, limit)),
                PinnedObjectsPage.class);
    }
}
