package org.geminipool.contract.affinity;

/** The kinds of stored objects the pool pins to their project (design §2, affinity). */
public enum ObjectKind {
    FILE, CACHE, BATCH, INTERACTION, OPERATION, FILE_SEARCH_STORE, DOCUMENT, UPLOAD, OTHER
}
