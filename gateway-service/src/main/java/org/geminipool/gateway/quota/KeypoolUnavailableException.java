package org.geminipool.gateway.quota;

/** The keypool answered in a way the gateway cannot use (5xx, 401 for our internal token): counts as a failure. */
public class KeypoolUnavailableException extends RuntimeException {
    public KeypoolUnavailableException(String message) {
        super(message);
    }
}
