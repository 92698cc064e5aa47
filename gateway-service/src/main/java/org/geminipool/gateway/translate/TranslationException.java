package org.geminipool.gateway.translate;

/** A client request the door cannot translate: answered 400 in the door's protocol, before any lease. */
public class TranslationException extends RuntimeException {

    public TranslationException(String message) {
        super(message, null, false, false);
    }
}
