package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The Live API (gemini-api-2026.md §10): a WebSocket at
 * {@code /ws/google.ai.generativelanguage.{v1beta|v1alpha}.GenerativeService.BidiGenerateContent}, key as
 * {@code ?key=} (JS) or {@code x-goog-api-key} in the handshake (Python) [JS-live 165-185, PY-live 955-980].
 *
 * <p>Protocol: the first client message is {@code {"setup":{"model",…}}}, answered {@code {"setupComplete":{}}};
 * {@code clientContent} turns (and {@code realtimeInput.text}) get a text reply as {@code serverContent.modelTurn}
 * parts, then {@code serverContent.turnComplete} and {@code usageMetadata} ({@code promptTokenCount},
 * {@code responseTokenCount}, {@code totalTokenCount} — Live's names); {@code realtimeInput.audio} chunks are echoed
 * back as {@code inlineData} audio parts. With {@code sessionResumption} in the setup, every completed turn sends
 * {@code sessionResumptionUpdate{newHandle, resumable:true}}; a later setup with that handle resumes the history (a
 * handle of another project is refused). After {@link ObjectSettings#liveGoAwayAfterMs()} the server sends {@code goAway{timeLeft}} and
 * closes when it has passed. Server messages go out as binary frames holding JSON, as Google's do (both SDKs read
 * either); the client may send text or binary frames.
 *
 * <p>Refusals are WebSocket close frames (code and reason, the reason cut to the 123 bytes a close frame holds):
 * bad key or setup 1007, unknown model or foreign handle 1008, the per-project concurrent-session limit 1011 with
 * the quota text (codes and texts *unconfirmed*: Live errors are close frames, the exact pairs are not in the
 * reference). Sessions do not consume RPM/RPD (the Live API's limit is concurrent sessions).
 */
final class LiveApi {

    private final Vertx vertx;
    private final SimState state;
    private final Map<String, Integer> openSessions = new HashMap<>();

    LiveApi(Vertx vertx, SimState state) {
        this.vertx = vertx;
        this.state = state;
        state.liveSessions(this::openSessions);
    }

    /** Open sessions per project (for /_sim/). */
    synchronized Map<String, Integer> openSessions() {
        return new HashMap<>(openSessions);
    }

    void handle(RoutingContext ctx, String method) {
        String apiVersion = method.startsWith("google.ai.generativelanguage.v1alpha.") ? "v1alpha" : "v1beta";
        String prefix = "google.ai.generativelanguage." + apiVersion + ".GenerativeService.";
        boolean constrained = method.equals(prefix + "BidiGenerateContentConstrained");
        if (!constrained && !method.equals(prefix + "BidiGenerateContent")) {
            Http.googleError(ctx, GoogleErrors.notFound("The requested URL " + ctx.request().path()
                    + " was not found on this server."), false);
            return;
        }
        String key = constrained ? null : NativeApi.nativeKey(ctx);
        String token = constrained ? ephemeralToken(ctx) : null;
        ctx.request().toWebSocket().onSuccess(ws -> new Session(ws, key, token, method).start());
    }

    /** {@code ?access_token=auth_tokens/…} (JS) or {@code Authorization: Token auth_tokens/…} (Python) [§10]. */
    private static String ephemeralToken(RoutingContext ctx) {
        String q = Http.nonBlank(ctx.request().getParam("access_token"));
        if (q != null) {
            return q;
        }
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Token ", 0, 6)) {
            return Http.nonBlank(auth.substring(6).trim());
        }
        return null;
    }

    /**
     * {@code POST /v1alpha/auth_tokens} with normal key auth: {@code {"uses","expireTime","newSessionExpireTime",
     * "bidiGenerateContentSetup"}} → {@code {"name":"auth_tokens/<id>"}}; defaults one use, expiry 30 min, new
     * sessions within 60 s [PY-tok 113-150]. The token belongs to the key's project.
     */
    void createToken(RoutingContext ctx, NativeApi natives) {
        NativeApi.Caller c = natives.authenticate(ctx, NativeApi.nativeKey(ctx), false,
                "google.ai.generativelanguage.v1alpha.AuthTokenService.CreateToken");
        if (c == null) {
            return;
        }
        JsonObject body;
        java.time.Instant now = state.now();
        ProjectObjects.AuthToken t = new ProjectObjects.AuthToken(c.project(), state.objects().newId(32), now);
        try {
            body = Generation.parseObject(ctx.body().asString());
            t.uses = body.getInteger("uses", 1);
            t.expires = body.getValue("expireTime") == null ? now.plusSeconds(1800)
                    : java.time.Instant.parse(body.getString("expireTime"));
            t.newSessionExpires = body.getValue("newSessionExpireTime") == null ? now.plusSeconds(60)
                    : java.time.Instant.parse(body.getString("newSessionExpireTime"));
            t.setup = body.getJsonObject("bidiGenerateContentSetup");
        } catch (Generation.Invalid e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, e.error, false);
            return;
        } catch (RuntimeException e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, GoogleErrors.invalidArgument("Invalid auth token request: uses must be a number, "
                    + "expireTime and newSessionExpireTime RFC 3339 timestamps."), false);
            return;
        }
        if (t.uses < 1 || !t.expires.isAfter(now) || t.expires.isAfter(now.plusSeconds(20 * 3600))) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, GoogleErrors.invalidArgument("uses must be at least 1 and expireTime within 20 hours."),
                    false);
            return;
        }
        state.objects().put(ProjectObjects.Kind.AUTH_TOKEN, t);
        state.count(c.apiKey(), null, null, true);
        Resources.json(ctx, 200, new JsonObject().put("name", "auth_tokens/" + t.id));
    }

    private static void close(ServerWebSocket ws, int code, String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        String r = reason;
        if (b.length > 123) {
            r = new String(b, 0, 123, StandardCharsets.UTF_8);
            while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
                r = r.substring(0, r.length() - 1);
            }
        }
        if (!ws.isClosed()) {
            ws.close((short) code, r);
        }
    }

    /** One WebSocket session. Runs on the event loop only. */
    private final class Session {
        private final ServerWebSocket ws;
        private final String key;
        private final String token;
        private final String rpc;
        private String project;
        private ModelCatalog.Model model;
        private boolean setUp;
        private boolean counted;
        private boolean resumable;
        private String history = "";
        private long goAwayTimer = -1;

        Session(ServerWebSocket ws, String key, String token, String rpc) {
            this.ws = ws;
            this.key = key;
            this.token = token;
            this.rpc = rpc;
        }

        void start() {
            ws.handler(this::message);
            ws.closeHandler(v -> end());
            ws.exceptionHandler(t -> end());
        }

        private void end() {
            if (goAwayTimer >= 0) {
                vertx.cancelTimer(goAwayTimer);
                goAwayTimer = -1;
            }
            if (counted) {
                counted = false;
                synchronized (LiveApi.this) {
                    openSessions.merge(project, -1, (a, b) -> a + b <= 0 ? null : a + b);
                }
            }
        }

        private void send(JsonObject o) {
            if (!ws.isClosed()) {
                ws.writeBinaryMessage(Buffer.buffer(o.encode()));
            }
        }

        private void message(Buffer raw) {
            JsonObject msg;
            try {
                msg = new JsonObject(raw.toString(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                close(ws, 1007, "Invalid JSON payload received.");
                return;
            }
            if (!setUp) {
                setup(msg);
                return;
            }
            if (msg.getValue("clientContent") instanceof JsonObject cc) {
                StringBuilder text = new StringBuilder();
                InteractionsApi.collectText(cc.getValue("turns"), text);
                history += text + "\n";
                if (cc.getBoolean("turnComplete", true)) {
                    reply(text.toString());
                }
            } else if (msg.getValue("realtimeInput") instanceof JsonObject ri) {
                if (ri.getValue("text") instanceof String t) {
                    history += t + "\n";
                    reply(t);
                }
                Object audio = ri.getValue("audio");
                JsonArray chunks = ri.getJsonArray("mediaChunks");
                if (audio instanceof JsonObject a && a.getValue("data") instanceof String data) {
                    echoAudio(data);
                } else if (chunks != null) {
                    for (Object c : chunks) {
                        if (c instanceof JsonObject co && co.getValue("data") instanceof String data) {
                            echoAudio(data);
                        }
                    }
                }
            } else if (msg.getValue("toolResponse") == null) {
                close(ws, 1007, "Invalid message: expected clientContent, realtimeInput or toolResponse.");
            }
        }

        private void setup(JsonObject msg) {
            if (!(msg.getValue("setup") instanceof JsonObject setup)) {
                close(ws, 1007, "The first message must be a setup message.");
                return;
            }
            if (state.locationUnsupported()) {
                close(ws, 1007, GoogleErrors.locationUnsupported().error().getString("message"));
                return;
            }
            if (token != null || (key == null && rpc.endsWith("Constrained"))) {
                ProjectObjects.AuthToken t = token == null ? null : state.objects().findAnywhere(
                        ProjectObjects.Kind.AUTH_TOKEN, SimState.stripPrefix(token, "auth_tokens/"));
                java.time.Instant now = state.now();
                boolean usable = t != null && state.objects().locked(() -> {
                    if (t.uses <= 0 || !now.isBefore(t.expires) || !now.isBefore(t.newSessionExpires)) {
                        return false;
                    }
                    t.uses--;
                    return true;
                });
                if (!usable) {
                    close(ws, 1008, "The auth token is invalid, used up or expired.");
                    return;
                }
                if (t.setup != null && t.setup.getValue("model") != null) {
                    setup = setup.copy().put("model", t.setup.getString("model"));
                }
                startSession(setup, t.project);
                return;
            }
            if (key == null) {
                close(ws, 1008, GoogleErrors.missingKey().error().getString("message"));
                return;
            }
            SimState.KeyEntry k = state.key(key);
            GoogleErrors.GoogleError refusal = switch (k.status()) {
                case VALID -> state.projectDenied(k.project()) ? GoogleErrors.projectDenied() : null;
                case INVALID -> GoogleErrors.apiKeyInvalid();
                case NOT_FOUND -> GoogleErrors.apiKeyNotFound();
                case EXPIRED -> GoogleErrors.apiKeyExpired();
                case SUSPENDED -> GoogleErrors.suspended(key, k.project());
                case LEAKED -> GoogleErrors.leaked();
                case SERVICE_BLOCKED -> GoogleErrors.serviceBlocked(k.project(), rpc);
                case TOKEN_TYPE_UNSUPPORTED -> GoogleErrors.tokenTypeUnsupported(rpc);
            };
            if (refusal != null) {
                state.count(key, null, null, false);
                close(ws, refusal.code() == 400 ? 1007 : 1008, refusal.error().getString("message"));
                return;
            }
            startSession(setup, k.project());
        }

        private void startSession(JsonObject setup, String sessionProject) {
            project = sessionProject;
            String name = ModelCatalog.bare(setup.getString("model", ""));
            Catalog.Lookup found = state.lookup(name, project);
            if (found.model() == null || !found.model().supports("bidiGenerateContent")) {
                state.count(key, null, null, false);
                close(ws, 1008, GoogleErrors.modelNotFound(name, "v1beta", "bidiGenerateContent").error()
                        .getString("message"));
                return;
            }
            model = found.model();
            Object resumption = setup.getValue("sessionResumption");
            if (resumption instanceof JsonObject r) {
                resumable = true;
                String handle = r.getString("handle");
                if (handle != null) {
                    ProjectObjects.LiveHandle saved = state.objects().get(ProjectObjects.Kind.LIVE_HANDLE, project,
                            handle);
                    if (saved == null) {
                        state.count(key, null, null, false);
                        close(ws, 1008, "Session handle is invalid or expired.");
                        return;
                    }
                    history = saved.history;
                }
            }
            synchronized (LiveApi.this) {
                int open = openSessions.getOrDefault(project, 0);
                int limit = state.objectSettings().liveSessions();
                if (open >= limit) {
                    state.count(key, null, null, false);
                    close(ws, 1011, "You exceeded your current quota, please check your plan and billing details. "
                            + "Concurrent sessions: " + limit);
                    return;
                }
                openSessions.put(project, open + 1);
                counted = true;
            }
            setUp = true;
            state.count(key, null, null, true);
            send(new JsonObject().put("setupComplete", new JsonObject()));
            long after = state.objectSettings().liveGoAwayAfterMs();
            long notice = state.objectSettings().liveGoAwayNoticeMs();
            goAwayTimer = vertx.setTimer(after, id -> {
                send(new JsonObject().put("goAway", new JsonObject().put("timeLeft", notice % 1000 == 0 ? (notice / 1000) + "s"
                        : String.format(java.util.Locale.ROOT, "%d.%03ds", notice / 1000, notice % 1000))));
                goAwayTimer = vertx.setTimer(Math.max(1, notice), id2 -> close(ws, 1000, "Session ended (goAway)."));
            });
        }

        private void reply(String lastUser) {
            String whole = history;
            String text = ContentGen.reply(model.name(), lastUser, whole);
            int prompt = ContentGen.tokens(whole);
            int response = ContentGen.tokens(text);
            for (String piece : ContentGen.chunks(text, 6)) {
                if (!piece.isEmpty()) {
                    send(new JsonObject().put("serverContent", new JsonObject().put("modelTurn", new JsonObject()
                            .put("parts", new JsonArray().add(new JsonObject().put("text", piece))))));
                }
            }
            history += text + "\n";
            send(new JsonObject().put("serverContent", new JsonObject().put("turnComplete", true)));
            usage(prompt, response);
            if (resumable) {
                String handle = "sim-handle-" + state.objects().newId(24);
                state.objects().put(ProjectObjects.Kind.LIVE_HANDLE,
                        new ProjectObjects.LiveHandle(project, handle, state.now(), history));
                send(new JsonObject().put("sessionResumptionUpdate", new JsonObject().put("newHandle", handle)
                        .put("resumable", true)));
            }
        }

        private void echoAudio(String base64) {
            send(new JsonObject().put("serverContent", new JsonObject().put("modelTurn", new JsonObject()
                    .put("parts", new JsonArray().add(new JsonObject().put("inlineData", new JsonObject()
                            .put("mimeType", "audio/pcm;rate=24000").put("data", base64)))))));
            int tokens = Math.max(1, base64.length() * 3 / 4 / 1000);
            usage(tokens, tokens);
        }

        private void usage(int prompt, int response) {
            send(new JsonObject().put("usageMetadata", new JsonObject().put("promptTokenCount", prompt)
                    .put("responseTokenCount", response).put("totalTokenCount", prompt + response)
                    .put("promptTokensDetails", new JsonArray().add(new JsonObject().put("modality", "TEXT")
                            .put("tokenCount", prompt)))
                    .put("responseTokensDetails", new JsonArray().add(new JsonObject().put("modality", "TEXT")
                            .put("tokenCount", response)))));
        }
    }
}
