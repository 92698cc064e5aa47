package org.geminipool.gateway.http;

/** A request the gateway refuses itself, before any lease: status and a message for the client. */
public class ClientError extends RuntimeException {

    private final int status;

    public ClientError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
