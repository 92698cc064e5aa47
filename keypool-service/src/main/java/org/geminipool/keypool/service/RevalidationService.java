package org.geminipool.keypool.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.client.GeminiProbeClient;
import org.geminipool.keypool.client.GeminiProbeClient.ProbeResult;
import org.geminipool.keypool.client.GeminiProbeClient.Verdict;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.repository.KeySqlRepository;
import org.geminipool.keypool.repository.KeySqlRepository.KeyToCheck;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Checks keys against Google with a call that spends no generation quota. The scheduled job re-validates BANNED
 * keys; the admin verify routes check any key on demand. UNKNOWN (timeout, network, 5xx) changes nothing.
 */
@ApplicationScoped
public class RevalidationService {

    private static final Logger LOG = Logger.getLogger(RevalidationService.class);

    public record VerifyResult(String id, String masked, String result, String reason, String stateBefore,
                               String stateAfter) {
    }

    @Inject
    KeySqlRepository keys;
    @Inject
    GeminiProbeClient probe;
    @Inject
    KeyCrypto crypto;
    @Inject
    TimeSource time;
    @Inject
    KeypoolConfig config;
    @Inject
    MeterRegistry registry;

    /** One pass over every BANNED key. */
    public Uni<List<VerifyResult>> revalidateBanned() {
        return keys.keysToCheck("BANNED", null).flatMap(this::checkAll).invoke(results -> {
            long back = results.stream().filter(r -> "ACTIVE".equals(r.stateAfter())).count();
            long unknown = results.stream().filter(r -> "UNKNOWN".equals(r.result())).count();
            LOG.infof("re-validation: %d banned key(s) checked, %d back to ACTIVE, %d unknown",
                    results.size(), back, unknown);
        });
    }

    public Uni<VerifyResult> verify(String id) {
        long keyId = KeyAdminService.parseId(id);
        return keys.keysToCheck(null, List.of(keyId)).flatMap(list -> {
            if (list.isEmpty()) {
                throw ApiException.notFound("unknown key " + id);
            }
            return check(list.get(0));
        });
    }

    /** The given keys, or every key when {@code ids} is null. */
    public Uni<List<VerifyResult>> verifyMany(List<String> ids) {
        List<Long> keyIds = ids == null ? null : ids.stream().map(KeyAdminService::parseId).toList();
        if (keyIds != null && keyIds.size() > 10_000) {
            throw ApiException.badRequest("at most 10000 ids per call");
        }
        return keys.keysToCheck(null, keyIds).flatMap(this::checkAll);
    }

    private Uni<List<VerifyResult>> checkAll(List<KeyToCheck> list) {
        if (list.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(list)
                .onItem().transformToUni(this::check).merge(Math.max(1, config.revalidate().concurrency()))
                .collect().asList();
    }

    private Uni<VerifyResult> check(KeyToCheck key) {
        return probe.probeSafely(crypto.decrypt(key.secret()))
                .ifNoItem().after(config.revalidate().timeout()).recoverWithItem(
                        new ProbeResult(Verdict.UNKNOWN, -1, "timeout"))
                .flatMap(result -> {
                    registry.counter("keypool_key_probes_total", "result", result.verdict().name()).increment();
                    if (result.verdict() == Verdict.UNKNOWN) {
                        return Uni.createFrom().item(new VerifyResult(String.valueOf(key.id()), key.masked(),
                                "UNKNOWN", result.reason(), key.state(), key.state()));
                    }
                    return keys.recordCheck(key.id(), result.verdict().name(), result.reason(), time.nowMillis())
                            .map(after -> new VerifyResult(String.valueOf(key.id()), key.masked(),
                                    result.verdict().name(), result.reason(), key.state(), after));
                });
    }
}
