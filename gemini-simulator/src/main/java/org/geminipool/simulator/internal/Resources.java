package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** Shared shapes of the object APIs: Google's timestamps, page tokens, resource URLs and JSON answers. */
final class Resources {

    /** Google prints RFC 3339 timestamps with microseconds: {@code 2026-11-30T08:00:52.227452Z}. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Resources() {
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    /**
     * The scheme and host Google names in the URLs it returns (upload URLs, file {@code uri}s, download URIs). Google
     * names the host it was called on ({@code generativelanguage.googleapis.com}); the simulator does the same with
     * the request's {@code Host} header, so a proxy that forwards its own Host gets URLs that point back at itself.
     */
    static String base(RoutingContext ctx) {
        String host = ctx.request().getHeader("Host");
        if (host == null || host.isBlank()) {
            host = ctx.request().authority() != null ? ctx.request().authority().toString() : "127.0.0.1";
        }
        String proto = ctx.request().getHeader("X-Forwarded-Proto");
        String scheme = proto != null && proto.equalsIgnoreCase("https") ? "https" : ctx.request().scheme();
        return scheme + "://" + host.trim();
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        Http.send(ctx, status, Http.JSON_UTF8, GoogleJson.pretty(body) + "\n");
    }

    static String pageToken(String kind, int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("sim-" + kind + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a page token stands for; -1 when it is not one of ours. */
    static int pageOffset(String kind, String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String prefix = "sim-" + kind + ":";
            return s.startsWith(prefix) ? Integer.parseInt(s.substring(prefix.length())) : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** A page of a list, Google's way: {@code pageSize} default and maximum, an opaque token, none on the last page. */
    record Page(int offset, int end, String next) {
    }

    /**
     * Reads {@code pageSize} and {@code pageToken}. Null (after answering 400) when either is bad.
     */
    static Page page(RoutingContext ctx, String kind, int total, int defaultSize, int maxSize,
                     Function<GoogleErrors.GoogleError, Void> refuse) {
        int size = defaultSize;
        String ps = ctx.request().getParam("pageSize");
        if (ps != null && !ps.isBlank()) {
            try {
                size = Integer.parseInt(ps.trim());
            } catch (NumberFormatException e) {
                refuse.apply(GoogleErrors.badRequestField("page_size",
                        "Invalid value at 'page_size' (TYPE_INT32), \"" + ps + "\""));
                return null;
            }
        }
        if (size <= 0) {
            size = defaultSize;
        }
        size = Math.min(size, maxSize);
        int offset = 0;
        String token = Http.nonBlank(ctx.request().getParam("pageToken"));
        if (token != null) {
            offset = pageOffset(kind, token);
            if (offset < 0 || offset > total) {
                refuse.apply(GoogleErrors.invalidArgument("Invalid page token."));
                return null;
            }
        }
        int end = Math.min(total, offset + size);
        return new Page(offset, end, end < total ? pageToken(kind, end) : null);
    }

    static <T> List<T> slice(List<T> all, Page p) {
        return all.subList(p.offset(), p.end());
    }
}
