package org.geminipool.contract.affinity;

/**
 * The kinds of stored objects the pool pins to their project (design §2, affinity). {@code VIDEO} is a video of
 * Google's OpenAI-compatible {@code /v1beta/openai/videos} route, recorded as {@code videos/<id>} (its id is not a
 * Google resource name); the compat files and batches are the native {@code files/…} and {@code batches/…}.
 */
public enum ObjectKind {
    FILE, CACHE, BATCH, INTERACTION, OPERATION, FILE_SEARCH_STORE, DOCUMENT, UPLOAD, VIDEO,
    /** A Live API ephemeral token ({@code authTokens/<sha-256>}, see {@code live.LiveObjects}). */
    AUTH_TOKEN,
    /** A Live API session resumption handle ({@code liveHandles/<sha-256>}). */
    LIVE_HANDLE,
    OTHER
}
