package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The Vert.x server: one event loop, routes for the native, OpenAI-compatible, OpenRouter-like and admin APIs. */
public final class SimServer {

    /** The routing-context key of the request's {@link SimState.RequestRecord}. */
    static final String LOG_RECORD = "sim.requestRecord";

    private final Vertx vertx;
    private final HttpServer server;

    private SimServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static SimServer start(SimState state, String host, int port) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        try {
            AtomicLong seq = new AtomicLong();
            NativeApi natives = new NativeApi(vertx, state, seq);
            OpenAiApi openai = new OpenAiApi(vertx, state, natives, seq);
            OpenRouterApi openRouter = new OpenRouterApi(vertx, state, seq);
            Router router = Router.router(vertx);
            // The request log holds the request line exactly as it arrived (raw path, before any normalisation).
            // Each entry also names the key (hashed), the project and, once the head is written, the status.
            router.route().handler(ctx -> {
                if (!ctx.request().path().startsWith("/_sim/")) {
                    java.util.List<String> headers = new java.util.ArrayList<>();
                    ctx.request().headers().forEach(h -> headers.add(h.getKey() + ": " + h.getValue()));
                    SimState.RequestRecord rec = state.recordRequest(ctx.request().method().name(), ctx.request().uri(),
                            presentedKey(ctx), headers);
                    ctx.put(LOG_RECORD, rec);
                    ctx.addHeadersEndHandler(v -> rec.status(ctx.response().getStatusCode()));
                }
                ctx.next();
            });
            // Upload bodies (up to gigabytes) are streamed by FilesApi, never buffered here.
            BodyHandler bodies = BodyHandler.create(false).setBodyLimit(32L * 1024 * 1024);
            router.route().handler(ctx -> {
                String p = ctx.request().path();
                if (p.startsWith("/upload/") || p.startsWith("/ws/") || (p.equals("/v1beta/openai/files")
                        && ctx.request().method() == io.vertx.core.http.HttpMethod.POST)) {
                    ctx.next();
                } else {
                    bodies.handle(ctx);
                }
            });
            FilesApi files = new FilesApi(vertx, state, natives);
            CachesApi caches = new CachesApi(state, natives);
            BatchesApi batches = new BatchesApi(vertx, state, natives, files, seq);
            InteractionsApi interactions = new InteractionsApi(vertx, state, natives, seq);
            OperationsApi operations = new OperationsApi(state, natives, files);
            FileSearchApi fileSearch = new FileSearchApi(state, natives, operations);
            files.fileSearch(fileSearch);
            natives.objectApis(batches, operations);
            OpenAiObjectsApi openaiObjects = new OpenAiObjectsApi(state, natives, files, batches, operations);
            new AdminApi(state, batches, operations, interactions).mount(router);
            router.route().handler(ctx -> {
                String path = ctx.request().path();
                if (!path.startsWith("/upload/") && !path.startsWith("/_sim/") && !path.equals("/v1beta/openai/files")
                        && ctx.body() != null
                        && ctx.body().length() > 0) {
                    state.recordBody(presentedKey(ctx), ctx.body().asString());
                }
                ctx.next();
            });
            router.post("/upload/v1beta/files").handler(ctx -> files.upload(ctx, null));
            router.postWithRegex("/upload/v1beta/fileSearchStores/([a-z0-9-]+)(?::|%3A|%3a)uploadToFileSearchStore")
                    .handler(ctx -> files.upload(ctx, ctx.pathParam("param0")));
            router.route("/upload/*").handler(ctx -> {
                FilesApi.discard(ctx.request());
                Http.googleError(ctx, GoogleErrors.notFound("The requested URL " + ctx.request().path()
                        + " was not found on this server."), false);
            });
            router.postWithRegex("/v1beta/files(?::|%3A|%3a)register").handler(files::register);
            router.routeWithRegex("/v1beta/files(/.*)?").handler(ctx -> files.handle(ctx,
                    rest(ctx.request().path(), "/v1beta/files"), false));
            router.routeWithRegex("/download/v1beta/files/(.+)").handler(ctx -> files.handle(ctx,
                    rest(ctx.request().path(), "/download/v1beta/files"), true));
            router.routeWithRegex("/v1beta/cachedContents(/.*)?").handler(ctx -> caches.handle(ctx,
                    rest(ctx.request().path(), "/v1beta/cachedContents")));
            router.routeWithRegex("/v1beta/batches(/.*)?").handler(ctx -> batches.handle(ctx,
                    rest(ctx.request().path(), "/v1beta/batches")));
            router.routeWithRegex("/v1beta/interactions(/.*)?").handler(ctx -> interactions.handle(ctx,
                    rest(ctx.request().path(), "/v1beta/interactions")));
            router.routeWithRegex("/v1beta/fileSearchStores(/.*)?").handler(ctx -> fileSearch.handle(ctx,
                    rest(ctx.request().path(), "/v1beta/fileSearchStores")));
            openaiObjects.mount(router);
            LiveApi live = new LiveApi(vertx, state);
            router.get("/ws/:method").handler(ctx -> live.handle(ctx, ctx.pathParam("method")));
            router.post("/v1alpha/auth_tokens").handler(ctx -> live.createToken(ctx, natives));
            router.get("/v1beta/openai/models").handler(ctx -> openai.models(ctx, null));
            router.getWithRegex("/v1beta/openai/models/(.+)").handler(ctx -> openai.models(ctx, ctx.pathParam("param0")));
            router.post("/v1beta/openai/chat/completions").handler(openai::chat);
            router.post("/v1beta/openai/embeddings").handler(openai::embeddings);
            router.post("/v1beta/openai/images/generations").handler(openai::images);
            router.routeWithRegex("/(v1beta|v1)/models(/.*)?").handler(ctx -> {
                String path = ctx.request().path();
                String version = path.startsWith("/v1beta/") ? "v1beta" : "v1";
                String rest = path.substring(("/" + version + "/models").length());
                natives.handle(ctx, version, rest);
            });
            router.post("/api/v1/chat/completions").handler(openRouter::chat);
            router.get("/api/v1/models").handler(openRouter::models);
            router.route().last().handler(ctx -> Http.googleError(ctx, GoogleErrors.notFound(
                    "The requested URL " + ctx.request().path() + " was not found on this server."), false));
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(false)
                            .setMaxWebSocketFrameSize(1024 * 1024).setMaxWebSocketMessageSize(16 * 1024 * 1024))
                    .requestHandler(router);
            server.listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new SimServer(vertx, server);
        } catch (Exception e) {
            vertx.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("gemini-simulator could not listen on " + host + ":" + port + ": " + e, e);
        }
    }

    /** The path after {@code prefix}, without its leading slash ("" for the collection). */
    static String rest(String path, String prefix) {
        String r = path.substring(prefix.length());
        return r.startsWith("/") ? r.substring(1) : r;
    }

    private static String presentedKey(io.vertx.ext.web.RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String goog = ctx.request().getHeader("x-goog-api-key");
        return goog != null ? goog.trim() : ctx.request().getParam("key");
    }

    public int port() {
        return server.actualPort();
    }

    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
