package org.geminipool.gateway.console.session;

/** A verified console login: its random id, when it ends (epoch seconds) and its per-session CSRF form token. */
public record ConsoleSession(String nonce, long expiresAtEpochSecond, String csrfToken) {
}
