package org.geminipool.gateway.console.client;

/**
 * keypool or usage could not answer as asked: unreachable, or a non-2xx status with its error text. The message is
 * safe to show (it never contains a token or a raw key: the services never echo one).
 */
public class BackendException extends RuntimeException {

    private final int status;

    public BackendException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** HTTP status of the answer, or 0 when the service could not be reached. */
    public int status() {
        return status;
    }
}
