package org.geminipool.contract.affinity;

/** The kinds of stored objects the pool pins to their project (design §2, affinity). */
public enum ObjectKind {
    FILE, CACHE, BATCH, INTERACTION, OPERATION, FILE_SEARCH_STORE, DOCUMENT, UPLOAD,
    /** A Live API ephemeral token ({@code authTokens/<sha-256>}, see {@code live.LiveObjects}). */
    AUTH_TOKEN,
    /** A Live API session resumption handle ({@code liveHandles/<sha-256>}). */
    LIVE_HANDLE,
    OTHER
}
