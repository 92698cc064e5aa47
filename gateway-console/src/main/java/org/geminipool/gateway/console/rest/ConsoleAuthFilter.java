package org.geminipool.gateway.console.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.gateway.console.session.ConsoleSession;
import org.geminipool.gateway.console.session.SessionManager;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Guards every {@code /console} route but the login page: without a valid session an HTML request is sent to the
 * login page (303) and anything else (JSON, CSV, a form post) gets 401 — never data. State-changing requests must also
 * come from the console's own origin when the browser says where they come from. Every console answer is marked
 * no-store and may not be framed.
 */
public class ConsoleAuthFilter {

    public static final String SESSION_PROPERTY = "gemini-pool.console.session";

    @Inject
    SessionManager sessions;

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext context) {
        String path = path(context);
        if (!isConsole(path)) {
            return null;
        }
        String method = context.getMethod();
        boolean unsafe = !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
        if (unsafe && !sameOrigin(context)) {
            return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("cross-origin form posts to the console are refused").build();
        }
        if (path.equals("/console/login")) {
            return null;
        }
        Cookie cookie = context.getCookies().get(SessionManager.COOKIE);
        Optional<ConsoleSession> session = sessions.verify(cookie == null ? null : cookie.getValue());
        if (session.isPresent()) {
            context.setProperty(SESSION_PROPERTY, session.get());
            return null;
        }
        boolean html = !unsafe && wantsHtml(context) && !path.startsWith("/console/api/");
        Response.ResponseBuilder answer = html
                ? Response.seeOther(URI.create("/console/login")).type(MediaType.TEXT_HTML_TYPE).entity("")
                : Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "log in to the console first (POST /console/login)"));
        if (cookie != null) {
            answer.header(HttpHeaders.SET_COOKIE, sessions.clearCookie(sessions.secure(isHttps(context))));
        }
        return answer.header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (!isConsole(path(request))) {
            return;
        }
        var h = response.getHeaders();
        h.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        h.putSingle("X-Frame-Options", "DENY");
        h.putSingle("X-Content-Type-Options", "nosniff");
        h.putSingle("Referrer-Policy", "same-origin");
        h.putSingle("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:;"
                + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    static String path(ContainerRequestContext context) {
        String p = context.getUriInfo().getRequestUri().getRawPath();
        return p == null ? "" : p;
    }

    static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    static boolean wantsHtml(ContainerRequestContext context) {
        String accept = context.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null || accept.isBlank()) {
            return true;
        }
        return accept.contains("text/html") || accept.contains("*/*") && !accept.contains("application/json");
    }

    /** The request came over https (directly, or by a proxy that says so). */
    public static boolean isHttps(ContainerRequestContext context) {
        return isHttps(context.getHeaderString("X-Forwarded-Proto"), context.getUriInfo().getRequestUri());
    }

    public static boolean isHttps(String forwardedProto, URI requestUri) {
        if (forwardedProto != null && forwardedProto.trim().toLowerCase().startsWith("https")) {
            return true;
        }
        return requestUri != null && "https".equalsIgnoreCase(requestUri.getScheme());
    }

    /** True unless Origin (or, without it, Referer) names another host than the one asked. */
    static boolean sameOrigin(ContainerRequestContext context) {
        String origin = context.getHeaderString("Origin");
        if (origin == null || origin.isBlank()) {
            origin = context.getHeaderString("Referer");
        }
        if (origin == null || origin.isBlank()) {
            return true;
        }
        if ("null".equals(origin.trim())) {
            return false;
        }
        String host = context.getHeaderString("X-Forwarded-Host");
        if (host == null || host.isBlank()) {
            host = context.getHeaderString(HttpHeaders.HOST);
        }
        try {
            URI uri = URI.create(origin.trim());
            String authority = uri.getRawAuthority();
            return host != null && authority != null && authority.equalsIgnoreCase(host.split(",")[0].trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
