package org.geminipool.usage.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.geminipool.usage.KeyDailyUsage;

import java.time.LocalDate;
import java.util.List;

@ApplicationScoped
@WithSession
public class KeyDailyUsageRepository implements PanacheRepositoryBase<KeyDailyUsage, KeyDailyUsage.Pk> {

    /** Rows of one day, optionally only one key id and/or one model, ordered by key id then model. */
    public Uni<List<KeyDailyUsage>> forDay(LocalDate day, String keyId, String model) {
        StringBuilder query = new StringBuilder("day = :day");
        Parameters params = Parameters.with("day", day);
        if (keyId != null) {
            query.append(" and keyId = :keyId");
            params.and("keyId", keyId);
        }
        if (model != null) {
            query.append(" and model = :model");
            params.and("model", model);
        }
        return find(query.toString(), Sort.by("keyId").and("model"), params).list();
    }

    /**
     * Per-day totals between {@code from} and {@code to} (inclusive), days without usage left out; each row is
     * {@code [day, requests, successes, rateLimited, dayExhausted, invalidOrDenied, upstreamErrors, clientErrors,
     * promptTokens, completionTokens, thoughtTokens, totalLatencyMs]}.
     */
    public Uni<List<Object[]>> totalsPerDay(LocalDate from, LocalDate to) {
        return getSession().flatMap(s -> s.createSelectionQuery("select u.day, sum(u.counts.requests),"
                        + " sum(u.counts.successes), sum(u.counts.rateLimited), sum(u.counts.dayExhausted),"
                        + " sum(u.counts.invalidOrDenied), sum(u.counts.upstreamErrors), sum(u.counts.clientErrors),"
                        + " sum(u.counts.promptTokens), sum(u.counts.completionTokens), sum(u.counts.thoughtTokens),"
                        + " sum(u.counts.totalLatencyMs) from KeyDailyUsage u where u.day between :from and :to"
                        + " group by u.day order by u.day", Object[].class)
                .setParameter("from", from).setParameter("to", to).getResultList());
    }
}
