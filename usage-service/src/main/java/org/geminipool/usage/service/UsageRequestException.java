package org.geminipool.usage.service;

/** Bad input from a caller: answered with {@code status} and a JSON {@code {"error": message}}, nothing written. */
public class UsageRequestException extends RuntimeException {
    private final int status;

    public UsageRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static UsageRequestException badRequest(String message) {
        return new UsageRequestException(400, message);
    }

    public int status() {
        return status;
    }
}
