package org.geminipool.keypool.quota;

/**
 * Where the limit of a (project, model) window came from (design §3), first hit wins in this order. OVERRIDE and ADMIN
 * are authoritative. LEARNED is what Google's own 429 named for this project. SIBLING is what it named for another
 * project of the same tier. FAMILY is a pattern default. UNKNOWN means no local limit until Google tells us one;
 * RAISED is UNKNOWN after Google accepted a call above a provisional value.
 */
public enum LimitSource {
    OVERRIDE, ADMIN, LEARNED, SIBLING, FAMILY, RAISED, UNKNOWN
}
