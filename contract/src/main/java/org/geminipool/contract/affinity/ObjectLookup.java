package org.geminipool.contract.affinity;

import java.util.List;

/** {@code POST /objects/lookup}: the objects one request names (at most {@link ObjectNames#MAX_LOOKUP}). */
public record ObjectLookup(List<String> names) {
}
