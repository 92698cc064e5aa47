package org.geminipool.usage.rest;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.geminipool.contract.TokenCheck;
import org.geminipool.usage.config.UsageConfig;

import java.util.Map;
import java.util.Optional;

/** Bearer-token checks, before the body is read: a wrong or missing token is a 401 JSON answer, nothing else. */
public final class TokenFilters {

    private TokenFilters() {
    }

    /** True when a token is configured and the header carries it (constant-time comparison). */
    static boolean authorized(Optional<String> expected, String authorizationHeader) {
        return expected.filter(t -> !t.isBlank())
                .map(t -> TokenCheck.matches(t, TokenCheck.bearer(authorizationHeader)))
                .orElse(false);
    }

    static Response unauthorized(String message) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", message))
                .build();
    }

    @Provider
    @InternalAuth
    @Priority(Priorities.AUTHENTICATION)
    public static class Internal implements ContainerRequestFilter {
        /** Lazy: providers are created before runtime config mappings exist. */
        @Inject
        Instance<UsageConfig> mapping;

        @Override
        public void filter(ContainerRequestContext request) {
            UsageConfig config = mapping.get();
            if (!authorized(config.internalToken(), request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
                request.abortWith(unauthorized(config.internalToken().filter(t -> !t.isBlank()).isPresent()
                        ? "missing or wrong internal token (Authorization: Bearer <GEMINI_POOL_INTERNAL_TOKEN>)"
                        : "GEMINI_POOL_INTERNAL_TOKEN is not set on usage-service; event ingestion is closed"));
            }
        }
    }

    @Provider
    @AdminAuth
    @Priority(Priorities.AUTHENTICATION)
    public static class Admin implements ContainerRequestFilter {
        /** Lazy: providers are created before runtime config mappings exist. */
        @Inject
        Instance<UsageConfig> mapping;

        @Override
        public void filter(ContainerRequestContext request) {
            UsageConfig config = mapping.get();
            if (!authorized(config.adminToken(), request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
                request.abortWith(unauthorized(config.adminToken().filter(t -> !t.isBlank()).isPresent()
                        ? "missing or wrong admin token (Authorization: Bearer <GEMINI_POOL_ADMIN_TOKEN>)"
                        : "GEMINI_POOL_ADMIN_TOKEN is not set on usage-service; admin routes are closed"));
            }
        }
    }
}
