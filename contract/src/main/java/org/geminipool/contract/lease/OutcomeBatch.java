package org.geminipool.contract.lease;

import java.util.List;

/**
 * {@code POST /outcomes} (gateway → keypool): many settled leases in one call, so a successful request costs no
 * round trip of its own. Each entry is applied as {@code POST /leases/{leaseId}/outcome} would apply it; one bad entry
 * is refused alone.
 */
public record OutcomeBatch(List<Entry> outcomes) {

    public record Entry(String leaseId, OutcomeReport outcome) {
    }
}
