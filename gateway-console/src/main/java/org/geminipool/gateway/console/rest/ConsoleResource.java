package org.geminipool.gateway.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.geminipool.gateway.console.client.AdminModels.ImportResult;
import org.geminipool.gateway.console.client.AdminModels.KeyInfo;
import org.geminipool.gateway.console.client.BackendException;
import org.geminipool.gateway.console.client.KeypoolAdminClient;
import org.geminipool.gateway.console.client.UsageAdminClient;
import org.geminipool.gateway.console.service.ConsolePages;
import org.geminipool.gateway.console.service.Views;
import org.geminipool.gateway.console.session.ConsoleSession;
import org.geminipool.gateway.console.session.LoginThrottle;
import org.geminipool.gateway.console.session.SessionManager;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The admin console at {@code /console}: login/logout, Overview, Keys (with import and per-key actions, each
 * confirmed first), Usage (with CSV downloads) and Routes. {@link ConsoleAuthFilter} has already refused requests
 * without a session; form posts here also need the session's CSRF token.
 */
@Path("/console")
@Blocking
public class ConsoleResource {

    private static final Logger LOG = Logger.getLogger(ConsoleResource.class);
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_IMPORT_CHARS = 2_000_000;

    @Inject
    SessionManager sessions;
    @Inject
    LoginThrottle throttle;
    @Context
    HttpServerRequest request;
    @Inject
    ConsolePages pages;
    @Inject
    KeypoolAdminClient keypool;
    @Inject
    UsageAdminClient usage;
    @Context
    HttpHeaders headers;
    @Context
    UriInfo uriInfo;

    // ---- login / logout ------------------------------------------------------------------------------------------

    @GET
    @Path("/login")
    @Produces(MediaType.TEXT_HTML)
    public Response loginPage(@CookieParam(SessionManager.COOKIE) String cookie) {
        if (sessions.verify(cookie).isPresent()) {
            return Response.seeOther(URI.create("/console")).build();
        }
        Response.ResponseBuilder page = Response.ok(Templates.login(null, sessions.enabled()));
        if (cookie != null) {
            page.header(HttpHeaders.SET_COOKIE, sessions.clearCookie(secure()));
        }
        return page.build();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @NonBlocking
    public Uni<Response> login(@FormParam("token") String token) {
        if (!sessions.enabled()) {
            return Uni.createFrom().item(Response.status(401).entity(Templates.login(
                    "No admin token is configured on the gateway (GEMINI_POOL_ADMIN_TOKEN), so nobody can log in.",
                    false)).build());
        }
        String source = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        long wait = throttle.retryAfterSeconds(source);
        if (wait > 0) {
            // Locked out: not even the right token is heard, so guessing cannot go on at any pace.
            return Uni.createFrom().item(Response.status(429).header("Retry-After", Long.toString(wait))
                    .entity(Templates.login("Too many failed logins from your address; try again in " + wait
                            + " s.", true)).build());
        }
        if (!sessions.tokenMatches(token)) {
            LOG.infof("console: failed login from %s", source);
            Duration holdBack = throttle.failed(source);
            return Uni.createFrom().item(Response.status(401).entity(Templates.login("That is not the admin token.",
                    true)).build()).onItem().delayIt().by(holdBack);
        }
        throttle.succeeded(source);
        return Uni.createFrom().item(Response.seeOther(URI.create("/console"))
                .header(HttpHeaders.SET_COOKIE, sessions.setCookie(sessions.issue(), secure())).build());
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@FormParam("csrf") String csrf) {
        ConsoleSession session = session();
        if (!sessions.csrfMatches(session, csrf)) {
            return csrfRefused(session);
        }
        sessions.revoke(session);
        return Response.seeOther(URI.create("/console/login"))
                .header(HttpHeaders.SET_COOKIE, sessions.clearCookie(secure())).build();
    }

    // ---- pages ---------------------------------------------------------------------------------------------------

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance overview() {
        List<String> errors = new ArrayList<>();
        Views.Overview view = pages.overview(errors);
        return Templates.overview(chrome("Overview", "overview", errors, List.of()), view);
    }

    /**
     * The overview's numbers as JSON (today's usage totals per outcome and per model, this hour's per outcome, requests
     * per hour for the last 24 h, keys by state).
     */
    @GET
    @Path("/api/overview")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> overviewJson() {
        List<String> errors = new ArrayList<>();
        Views.Overview view = pages.overview(errors);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", view.date());
        out.put("timeZone", view.timeZone());
        out.put("totals", view.totals());
        out.put("perModel", view.perModel());
        out.put("hour", view.hour());
        out.put("thisHour", view.thisHour());
        out.put("hourly", view.hourlyChart().bars().stream()
                .map(b -> Map.of("hour", b.label(), "requests", b.value())).toList());
        out.put("keysByState", view.keysByState());
        out.put("capacity", view.capacity());
        out.put("errors", errors);
        return out;
    }

    @GET
    @Path("/keys")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance keys(@QueryParam("pool") String pool, @QueryParam("state") String state,
                                 @QueryParam("project") String project) {
        List<String> errors = new ArrayList<>();
        Views.Keys view = pages.keys(pool, state, project, null, errors);
        return Templates.keys(chrome("Keys", "keys", errors, List.of()), view);
    }

    @POST
    @Path("/keys/import")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response importKeys(@FormParam("csrf") String csrf, @FormParam("keys") String text,
                               @FormParam("pool") String pool, @FormParam("project") String project,
                               @FormParam("confirm") String confirm) {
        ConsoleSession session = session();
        if (!sessions.csrfMatches(session, csrf)) {
            return csrfRefused(session);
        }
        List<String> errors = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        ImportResult result = null;
        if (!"yes".equals(confirm)) {
            errors.add("Import not done: tick “I want to import these keys” to confirm.");
        } else if (text == null || text.isBlank()) {
            errors.add("Import not done: paste at least one key, one per line.");
        } else if (text.length() > MAX_IMPORT_CHARS) {
            errors.add("Import not done: at most " + MAX_IMPORT_CHARS + " characters per import.");
        } else {
            try {
                result = keypool.importKeys(text, blank(pool), blank(project));
                notices.add("Import done: " + result.added() + " added, " + result.duplicates() + " duplicates, "
                        + result.rejected().size() + " rejected lines.");
            } catch (BackendException e) {
                errors.add("Import failed: " + e.getMessage());
            }
        }
        Views.Keys view = pages.keys(null, null, null, result, errors);
        int status = errors.isEmpty() ? 200 : 400;
        return Response.status(status).entity(Templates.keys(chrome("Keys", "keys", errors, notices), view)).build();
    }

    /**
     * A per-key action: {@code enable}, {@code disable}, {@code delete}, {@code verify}, {@code pools} (move to the
     * pools named in {@code pools}). Without {@code confirm=yes} it answers the confirmation page; with it, it acts
     * and shows the Keys page with the result.
     */
    @POST
    @Path("/keys/{id}/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response keyAction(@PathParam("id") String id, @PathParam("action") String action,
                              @FormParam("csrf") String csrf, @FormParam("confirm") String confirm,
                              @FormParam("pools") String poolsText) {
        ConsoleSession session = session();
        if (!sessions.csrfMatches(session, csrf)) {
            return csrfRefused(session);
        }
        List<String> errors = new ArrayList<>();
        if (!KEY_ID.matcher(id).matches() || !List.of("enable", "disable", "delete", "verify", "pools").contains(action)) {
            return Response.status(404).entity(Templates.message(chrome("Not found", "keys", errors, List.of()),
                    "Not found", "There is no such key action.", "/console/keys")).build();
        }
        List<String> pools = ConsolePages.parsePools(poolsText);
        if (action.equals("pools") && pools.isEmpty()) {
            errors.add("Move not done: name at least one pool.");
            return Response.status(400).entity(Templates.keys(chrome("Keys", "keys", errors, List.of()),
                    pages.keys(null, null, null, null, errors))).build();
        }
        if (!"yes".equals(confirm)) {
            KeyInfo key;
            try {
                key = keypool.key(id);
            } catch (BackendException e) {
                errors.add(e.getMessage());
                return Response.status(e.status() == 404 ? 404 : 502).entity(Templates.keys(
                        chrome("Keys", "keys", errors, List.of()), pages.keys(null, null, null, null, errors))).build();
            }
            String name = key.masked() + " (id " + key.id() + ", project " + key.project() + ")";
            Views.Confirm view = switch (action) {
                case "enable" -> new Views.Confirm(key, action, "Enable key " + name + "? It will be leased again.",
                        "Enable key", null);
                case "disable" -> new Views.Confirm(key, action, "Disable key " + name
                        + "? It will not be leased until it is enabled again.", "Disable key", null);
                case "delete" -> new Views.Confirm(key, action, "Delete key " + name
                        + "? This cannot be undone; to use the key again it must be imported again.", "Delete key",
                        null);
                case "verify" -> new Views.Confirm(key, action, "Verify key " + name
                        + " now? keypool calls Google's model list with it (no generation quota is used).",
                        "Verify key", null);
                default -> new Views.Confirm(key, action, "Move key " + name + " from pools [" + key.poolsText()
                        + "] to pools [" + String.join(", ", pools) + "]?", "Move key", String.join(",", pools));
            };
            return Response.ok(Templates.confirm(chrome("Confirm", "keys", errors, List.of()), view)).build();
        }
        List<String> notices = new ArrayList<>();
        try {
            switch (action) {
                case "enable" -> notices.add("Key " + keypool.setState(id, "ACTIVE").masked() + " is enabled (ACTIVE).");
                case "disable" -> notices.add("Key " + keypool.setState(id, "DISABLED").masked() + " is disabled.");
                case "delete" -> {
                    keypool.delete(id);
                    notices.add("Key " + id + " is deleted.");
                }
                case "verify" -> {
                    Map<String, Object> answer = keypool.verify(id);
                    notices.add("Key " + id + " verified: " + describe(answer));
                }
                default -> notices.add("Key " + keypool.setPools(id, pools).masked() + " is now in pools "
                        + String.join(", ", pools) + ".");
            }
        } catch (BackendException e) {
            if (action.equals("verify") && (e.status() == 404 || e.status() == 405)) {
                errors.add("Verify failed: " + e.getMessage() + " (if the key exists, this keypool version has no"
                        + " POST /admin/keys/{id}/verify)");
            } else {
                errors.add(capitalize(action) + " failed: " + e.getMessage());
            }
        }
        Views.Keys view = pages.keys(null, null, null, null, errors);
        return Response.status(errors.isEmpty() ? 200 : 400)
                .entity(Templates.keys(chrome("Keys", "keys", errors, notices), view)).build();
    }

    @GET
    @Path("/usage")
    @Produces(MediaType.TEXT_HTML)
    public Response usagePage(@QueryParam("date") String date) {
        List<String> errors = new ArrayList<>();
        String d = blank(date);
        if (d != null && !DATE.matcher(d).matches()) {
            errors.add("The date must be YYYY-MM-DD; showing today.");
            d = null;
        }
        final String day = d;
        Views.Usage view = pages.usage(day, errors);
        return Response.ok(Templates.usage(chrome("Usage", "usage", errors, List.of()), view)).build();
    }

    @GET
    @Path("/usage/keys.csv")
    @Produces("text/csv")
    public Response usageKeysCsv(@QueryParam("date") String date) {
        return csv(date, "keys");
    }

    @GET
    @Path("/usage/clients.csv")
    @Produces("text/csv")
    public Response usageClientsCsv(@QueryParam("date") String date) {
        return csv(date, "clients");
    }

    private Response csv(String date, String which) {
        String d = blank(date);
        if (d != null && !DATE.matcher(d).matches()) {
            return Response.status(400).type(MediaType.TEXT_PLAIN_TYPE).entity("date must be YYYY-MM-DD").build();
        }
        try {
            String body = which.equals("keys") ? usage.dailyCsv(d) : usage.clientsCsv(d);
            String name = "gemini-pool-usage-" + which + "-" + (d == null ? "today" : d) + ".csv";
            return Response.ok(body, "text/csv; charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
        } catch (BackendException e) {
            return Response.status(e.status() == 400 ? 400 : 502).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity(e.getMessage()).build();
        }
    }

    @GET
    @Path("/routes")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance routes() {
        List<String> errors = new ArrayList<>();
        Views.Routes view = pages.routes(errors);
        return Templates.routes(chrome("Routes", "routes", errors, List.of()), view);
    }

    /** Each (project, quota model) limit in force with its source and when it was learned, and retired models. */
    @GET
    @Path("/limits")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance limits() {
        List<String> errors = new ArrayList<>();
        org.geminipool.gateway.console.client.AdminModels.LimitsTable view;
        try {
            view = keypool.limits();
        } catch (BackendException e) {
            errors.add(e.getMessage());
            view = new org.geminipool.gateway.console.client.AdminModels.LimitsTable(null, null, null);
        }
        return Templates.limits(chrome("Limits", "limits", errors, List.of()), view);
    }

    /** Per project, the stored objects the pool pinned to it (files, caches, batches, interactions, videos, …). */
    @GET
    @Path("/objects")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance objects(@QueryParam("project") String project, @QueryParam("kind") String kind,
                                    @QueryParam("offset") Integer offset) {
        List<String> errors = new ArrayList<>();
        Views.Objects view = pages.objects(project, kind, offset, errors);
        return Templates.objects(chrome("Objects", "objects", errors, List.of()), view);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The session of this request (the filter has let only valid ones through; checked again here). */
    private ConsoleSession session() {
        jakarta.ws.rs.core.Cookie cookie = headers.getCookies().get(SessionManager.COOKIE);
        return sessions.verify(cookie == null ? null : cookie.getValue()).orElse(null);
    }

    private Views.Chrome chrome(String title, String nav, List<String> errors, List<String> notices) {
        ConsoleSession session = session();
        return new Views.Chrome(title, nav, session == null ? "" : session.csrfToken(), errors, notices);
    }

    private Response csrfRefused(ConsoleSession session) {
        List<String> none = List.of();
        return Response.status(403).type(MediaType.TEXT_HTML_TYPE).entity(Templates.message(
                new Views.Chrome("Refused", "", session == null ? "" : session.csrfToken(), none, none),
                "Form refused", "This form did not carry the console's form token (it may be from an old page or"
                        + " another site). Nothing was changed. Reload the page and try again.", "/console")).build();
    }

    private boolean secure() {
        return sessions.secure(ConsoleAuthFilter.isHttps(headers.getHeaderString("X-Forwarded-Proto"),
                uriInfo.getRequestUri()));
    }

    /** keypool's verify answer ({@code result}, {@code reason}, {@code stateBefore}, {@code stateAfter}) in words. */
    private static String describe(Map<String, Object> answer) {
        if (answer.isEmpty()) {
            return "done.";
        }
        StringBuilder sb = new StringBuilder();
        Object result = answer.containsKey("result") ? answer.get("result") : answer.get("lastCheckResult");
        if (result != null) {
            sb.append("result ").append(result);
        }
        if (answer.get("reason") != null) {
            sb.append(" (").append(answer.get("reason")).append(")");
        }
        Object before = answer.get("stateBefore");
        Object after = answer.containsKey("stateAfter") ? answer.get("stateAfter") : answer.get("state");
        if (after != null) {
            sb.append(sb.length() > 0 ? "; " : "").append("state ")
                    .append(before != null && !before.equals(after) ? before + " → " + after : after);
        }
        return sb.length() == 0 ? "done." : sb.append('.').toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
