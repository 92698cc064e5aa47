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
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.Map;
import java.util.Optional;

/**
 * Guards every {@code /console} route but the login page: without a valid session an HTML request is sent to the
 * login page (303) and anything else (JSON, CSV, a form post) gets 401 — never data. State-changing requests must also
 * come from the console's own origin when the browser says where they come from. Every console answer is marked
 * no-store and may not be framed.
 *
 * <p>The decision is made on the path as the router sees it, not as the client spelt it: {@code /%63onsole/keys},
 * {@code /consol%65/usage} or {@code /x/../console/api/overview} are console paths too. Two checks, so that no spelling
 * slips through: before matching, on the path fully percent-decoded with dot segments and repeated slashes removed;
 * after matching, on the resource that is about to answer (every method of {@link ConsoleResource} but the login page
 * needs a session, whatever the path looked like).
 */
public class ConsoleAuthFilter {

    public static final String SESSION_PROPERTY = "gemini-pool.console.session";
    /** The {@link ConsoleResource} methods of the login page, the only ones that answer without a session. */
    private static final Set<String> LOGIN_METHODS = Set.of("loginPage", "login");

    @Inject
    SessionManager sessions;

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext context) {
        String path = path(context);
        if (!isConsole(path)) {
            return null;
        }
        return guard(context, path, path.equals("/console/login"));
    }

    /** The routed request: a console resource method answers only with a session (or it is the login page). */
    @ServerRequestFilter
    public Response authenticateRouted(ContainerRequestContext context, SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() != ConsoleResource.class
                || context.getProperty(SESSION_PROPERTY) != null) {
            return null;
        }
        boolean loginPage = LOGIN_METHODS.contains(resource.getMethodName());
        return guard(context, "/console/" + resource.getMethodName(), loginPage);
    }

    private Response guard(ContainerRequestContext context, String path, boolean loginPage) {
        String method = context.getMethod();
        boolean unsafe = !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
        if (unsafe && !sameOrigin(context)) {
            return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("cross-origin form posts to the console are refused").build();
        }
        if (loginPage) {
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
        if (!isConsole(path(request)) && request.getProperty(SESSION_PROPERTY) == null) {
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

    /** The request's path as routed: see {@link #canonical}. */
    static String path(ContainerRequestContext context) {
        return canonical(context.getUriInfo().getRequestUri().getRawPath());
    }

    /**
     * A raw path fully percent-decoded (repeatedly, so {@code %2563} is no way around it), with repeated slashes
     * collapsed and dot segments removed (RFC 3986 §5.2.4). Undecodable input is kept as it is.
     */
    static String canonical(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "";
        }
        String p = rawPath;
        for (int i = 0; i < 3 && p.indexOf('%') >= 0; i++) {
            try {
                p = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                break;
            }
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : p.split("/+")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        String out = "/" + String.join("/", segments);
        return p.endsWith("/") && !segments.isEmpty() ? out + "/" : out;
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
