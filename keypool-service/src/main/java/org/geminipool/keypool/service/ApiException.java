package org.geminipool.keypool.service;

import java.util.LinkedHashMap;
import java.util.Map;

/** A 4xx answer with a JSON body; raised by services, rendered by the REST layer. */
public class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, Object> body;
    private final Integer retryAfter;

    public ApiException(int status, Map<String, Object> body, Integer retryAfter) {
        super(String.valueOf(body.get("error")), null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    public static ApiException badRequest(String message) {
        return error(400, message);
    }

    public static ApiException notFound(String message) {
        return error(404, message);
    }

    public static ApiException error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        return new ApiException(status, body, null);
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }

    public Integer retryAfter() {
        return retryAfter;
    }
}
