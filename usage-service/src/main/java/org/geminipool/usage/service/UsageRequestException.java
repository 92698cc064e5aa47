package org.geminipool.usage.service;

import java.util.List;

/**
 * Bad input from a caller: answered with {@code status} and a JSON {@code {"error": message}} (plus
 * {@code "rejected": […]} when every event of a batch was refused), nothing written.
 */
public class UsageRequestException extends RuntimeException {
    private final int status;
    private final List<RefusedEvent> refused;

    public UsageRequestException(int status, String message) {
        this(status, message, List.of());
    }

    public UsageRequestException(int status, String message, List<RefusedEvent> refused) {
        super(message, null, false, false);
        this.status = status;
        this.refused = List.copyOf(refused);
    }

    public static UsageRequestException badRequest(String message) {
        return new UsageRequestException(400, message);
    }

    public int status() {
        return status;
    }

    /** The refused events, each with its index and reason; empty when the batch itself was malformed. */
    public List<RefusedEvent> refused() {
        return refused;
    }
}
