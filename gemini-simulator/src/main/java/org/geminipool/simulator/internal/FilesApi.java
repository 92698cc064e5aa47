package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Files API (gemini-api-2026.md §4): resumable and multipart upload under {@code /upload/v1beta/files}, get, list,
 * delete and download under {@code /v1beta/files} and {@code /download/v1beta/files}. Files belong to the project of
 * the key that started the upload; every other project's key gets the 403 "You do not have permission to access the
 * File … or it may not exist.", the same answer as for a deleted or expired file [I-file403a, I-file403b].
 *
 * <p>Upload bodies are never read into memory: this route runs without the body handler and streams each chunk into a
 * digest and, up to {@link ObjectSettings#keepBytesUpTo()}, a temporary file.
 */
final class FilesApi {

    static final String FILE_SERVICE = "FileService";
    /** Client-chosen file names: lowercase letters, digits and dashes, at most 40 characters (ai.google.dev/api/files). */
    private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /** Bytes of a multipart body read to find its first part and the media part's headers. */
    private static final int MULTIPART_HEAD = 1024 * 1024;
    /** The largest metadata body of a resumable start (the simulator's bound; Google's is unpublished). */
    static final int MAX_START_BODY = 1024 * 1024;

    private final Vertx vertx;
    private final SimState state;
    private final ProjectObjects objects;
    private final ObjectCalls calls;

    FilesApi(Vertx vertx, SimState state, NativeApi natives) {
        this.vertx = vertx;
        this.state = state;
        this.objects = state.objects();
        this.calls = ObjectCalls.nativeService(state, natives, FILE_SERVICE);
    }

    // ------------------------------------------------------------------ resource

    /** The File resource, fields in Google's order (§4 "File resource"). */
    static JsonObject resource(RoutingContext ctx, ProjectObjects.FileObj f) {
        String base = Resources.base(ctx);
        JsonObject o = new JsonObject().put("name", "files/" + f.id);
        if (f.displayName != null && !f.displayName.isEmpty()) {
            o.put("displayName", f.displayName);
        }
        o.put("mimeType", f.mimeType).put("sizeBytes", Long.toString(f.sizeBytes))
                .put("createTime", Resources.time(f.created)).put("updateTime", Resources.time(f.updated));
        if (f.expires != null) {
            o.put("expirationTime", Resources.time(f.expires));
        }
        o.put("sha256Hash", Base64.getEncoder().encodeToString(f.sha256Hex.getBytes(StandardCharsets.US_ASCII)))
                .put("uri", base + "/v1beta/files/" + f.id);
        if ("GENERATED".equals(f.source)) {
            o.put("downloadUri", base + "/download/v1beta/files/" + f.id + ":download?alt=media");
        }
        o.put("state", f.state).put("source", f.source);
        return o;
    }

    /** A new file of the project, ids as Google's (12 lowercase letters and digits) unless the client chose one. */
    ProjectObjects.FileObj newFile(String project, String id, String displayName, String mimeType) {
        Instant now = state.now();
        ProjectObjects.FileObj f = new ProjectObjects.FileObj(project, id != null ? id : objects.newId(12), now);
        f.displayName = displayName;
        f.mimeType = mimeType == null || mimeType.isBlank() ? "application/octet-stream" : mimeType;
        f.expires = now.plus(Duration.ofHours(48));
        return f;
    }

    /** A file the simulator made (batch results, videos): GENERATED, downloadable, bytes kept. */
    ProjectObjects.FileObj generated(String project, String displayName, String mimeType, byte[] bytes) {
        ProjectObjects.FileObj f = newFile(project, null, displayName, mimeType);
        f.source = "GENERATED";
        f.sizeBytes = bytes.length;
        java.security.MessageDigest d = ProjectObjects.sha256();
        f.sha256Hex = java.util.HexFormat.of().formatHex(d.digest(bytes));
        f.content = objects.writeGenerated(bytes);
        return objects.put(ProjectObjects.Kind.FILE, f);
    }

    // ------------------------------------------------------------------ upload

    /** {@code POST /upload/v1beta/files}: a resumable start, a chunk ({@code ?upload_id=}), or a multipart upload. */
    void upload(RoutingContext ctx, String storeId) {
        String uploadId = Http.nonBlank(ctx.request().getParam("upload_id"));
        if (uploadId != null) {
            chunk(ctx, uploadId);
            return;
        }
        String protocol = header(ctx, "X-Goog-Upload-Protocol");
        if (protocol == null) {
            protocol = Http.nonBlank(ctx.request().getParam("uploadType"));
        }
        if (protocol != null && protocol.equalsIgnoreCase("multipart") && storeId == null) {
            multipart(ctx);
            return;
        }
        if (protocol == null || !protocol.equalsIgnoreCase("resumable")
                || !"start".equalsIgnoreCase(header(ctx, "X-Goog-Upload-Command"))) {
            discard(ctx.request());
            NativeApi.Caller c = calls.auth(ctx, "CreateFile");
            if (c != null) {
                calls.refuse(ctx, c, GoogleErrors.invalidArgument("Upload protocol must be resumable (with X-Goog-Upload-"
                        + "Command: start) or multipart."));
            }
            return;
        }
        // The start body is metadata: read it with a bound, as the body handler does for every other route.
        HttpServerRequest req = ctx.request();
        Buffer meta = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(b -> {
            if (!tooLarge[0] && meta.length() + b.length() > MAX_START_BODY) {
                tooLarge[0] = true;
            } else if (!tooLarge[0]) {
                meta.appendBuffer(b);
            }
        });
        req.endHandler(v -> {
            if (tooLarge[0]) {
                NativeApi.Caller c = calls.auth(ctx, "CreateFile");
                if (c != null) {
                    calls.refuse(ctx, c, GoogleErrors.invalidArgument("The upload metadata is larger than "
                            + MAX_START_BODY + " bytes."));
                }
                return;
            }
            start(ctx, meta, storeId);
        });
        req.resume();
    }

    private static String header(RoutingContext ctx, String name) {
        return Http.nonBlank(ctx.request().getHeader(name));
    }

    /** Resumable start: checks the key, opens a session, answers 200 with {@code X-Goog-Upload-URL}. */
    private void start(RoutingContext ctx, Buffer body, String storeId) {
        NativeApi.Caller c = calls.auth(ctx, storeId == null ? "CreateFile" : "UploadToFileSearchStore");
        if (c == null) {
            return;
        }
        JsonObject meta;
        try {
            meta = body == null || body.length() == 0 ? new JsonObject() : Generation.parseObject(body.toString());
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
            return;
        }
        if (storeId != null && state.objects().get(ProjectObjects.Kind.STORE, c.project(), storeId) == null) {
            calls.refuse(ctx, c, FileSearchApi.storeDenied(storeId));
            return;
        }
        JsonObject file = meta.getValue("file") instanceof JsonObject fo ? fo : new JsonObject();
        String wanted = null;
        if (storeId == null && file.getValue("name") instanceof String n && !n.isBlank()) {
            wanted = SimState.stripPrefix(n, "files/");
            if (!FILE_NAME.matcher(wanted).matches()) {
                calls.refuse(ctx, c, GoogleErrors.invalidArgument("Invalid file name: files/" + wanted + ". File names must "
                        + "contain only lowercase alphanumeric characters or dashes (-), and cannot begin or end with a dash."));
                return;
            }
            if (state.file(c.project(), wanted) != null) {
                calls.refuse(ctx, c, GoogleErrors.of(409, "ALREADY_EXISTS", "File files/" + wanted + " already exists."));
                return;
            }
        }
        ProjectObjects.Upload u = new ProjectObjects.Upload(c.project(), objects.newId(40), state.now());
        u.metadata = storeId == null ? file : meta;
        u.storeId = storeId;
        u.displayName = storeId == null ? file.getString("displayName") : meta.getString("displayName");
        u.mimeType = storeId == null ? file.getString("mimeType") : meta.getString("mimeType");
        if (u.mimeType == null) {
            u.mimeType = header(ctx, "X-Goog-Upload-Header-Content-Type");
        }
        String declared = header(ctx, "X-Goog-Upload-Header-Content-Length");
        if (declared == null && file.getValue("sizeBytes") != null) {
            declared = String.valueOf(file.getValue("sizeBytes"));
        }
        if (declared != null) {
            try {
                u.declaredSize = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                calls.refuse(ctx, c, GoogleErrors.invalidArgument("Invalid X-Goog-Upload-Header-Content-Length: " + declared));
                return;
            }
        }
        if (wanted != null) {
            u.metadata.put("name", "files/" + wanted);
        }
        if (u.declaredSize >= 0 && u.declaredSize <= state.objectSettings().keepBytesUpTo()) {
            objects.keepBytes(u);
        }
        objects.put(ProjectObjects.Kind.UPLOAD, u);
        String path = storeId == null ? "/upload/v1beta/files" : "/upload/v1beta/fileSearchStores/" + storeId
                + ":uploadToFileSearchStore";
        String url = Resources.base(ctx) + path + "?upload_id=" + u.id + "&upload_protocol=resumable";
        // A start authenticated with ?key= gets the key echoed in the URL, as reported of Google [P-zenn, C-strip];
        // a gateway must strip it before the URL reaches its client.
        String queryKey = Http.nonBlank(ctx.request().getParam("key"));
        if (queryKey != null && header(ctx, "x-goog-api-key") == null) {
            url += "&key=" + queryKey;
        }
        calls.count(c, true);
        ctx.response().setStatusCode(200)
                .putHeader("X-Goog-Upload-URL", url)
                .putHeader("X-Goog-Upload-Status", "active")
                .putHeader("X-Goog-Upload-Chunk-Granularity", "8388608")
                .putHeader("X-Goog-Upload-Control-URL", url)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end();
    }

    /**
     * One request of a resumable session: {@code upload}, {@code upload, finalize}, {@code finalize}, {@code query} or
     * {@code cancel}. The upload_id alone authorises it (the Python SDK sends no key [PY-api 1926-1945]); a key sent
     * along is counted for that key but not checked.
     */
    private void chunk(RoutingContext ctx, String uploadId) {
        HttpServerRequest req = ctx.request();
        ProjectObjects.Upload u = objects.findAnywhere(ProjectObjects.Kind.UPLOAD, uploadId);
        SimState.RequestRecord rec = ctx.get(SimServer.LOG_RECORD);
        if (u == null) {
            discard(req);
            ctx.response().putHeader("X-Goog-Upload-Status", "final");
            Http.googleError(ctx, GoogleErrors.notFound("Upload session not found (or expired)."), false);
            return;
        }
        if (rec != null) {
            rec.project(u.project);
        }
        String key = NativeApi.nativeKey(ctx);
        Set<String> command = commands(header(ctx, "X-Goog-Upload-Command"));
        if (u.cancelled || (u.finished && !command.contains("query"))) {
            discard(req);
            count(key, false);
            ctx.response().putHeader("X-Goog-Upload-Status", u.cancelled ? "cancelled" : "final");
            Http.googleError(ctx, GoogleErrors.invalidArgument("The upload session is " + (u.cancelled
                    ? "cancelled." : "already finalized.")), false);
            return;
        }
        if (command.contains("cancel")) {
            discard(req);
            u.cancelled = true;
            objects.remove(ProjectObjects.Kind.UPLOAD, u.project, u.id);
            count(key, true);
            ctx.response().setStatusCode(200).putHeader("X-Goog-Upload-Status", "cancelled").end();
            return;
        }
        if (command.contains("query")) {
            discard(req);
            count(key, true);
            ctx.response().setStatusCode(200).putHeader("X-Goog-Upload-Status", u.finished ? "final" : "active")
                    .putHeader("X-Goog-Upload-Size-Received", Long.toString(u.received)).end();
            return;
        }
        boolean finalize = command.contains("finalize");
        if (!command.contains("upload") && !finalize) {
            discard(req);
            count(key, false);
            ctx.response().putHeader("X-Goog-Upload-Status", "active");
            Http.googleError(ctx, GoogleErrors.invalidArgument("X-Goog-Upload-Command must be upload, finalize, query "
                    + "or cancel."), false);
            return;
        }
        String offsetHeader = header(ctx, "X-Goog-Upload-Offset");
        long offset;
        try {
            offset = offsetHeader == null ? u.received : Long.parseLong(offsetHeader.trim());
        } catch (NumberFormatException e) {
            offset = -1;
        }
        if (offset != u.received) {
            discard(req);
            count(key, false);
            ctx.response().putHeader("X-Goog-Upload-Status", "active")
                    .putHeader("X-Goog-Upload-Size-Received", Long.toString(u.received));
            Http.googleError(ctx, GoogleErrors.invalidArgument("X-Goog-Upload-Offset " + offsetHeader
                    + " does not match the " + u.received + " bytes received so far."), false);
            return;
        }
        long keep = state.objectSettings().keepBytesUpTo();
        int seq = objects.openChunk(u);
        req.handler(buf -> objects.append(u, buf.getBytes(), keep));
        req.endHandler(v -> {
            objects.closeChunk(u, seq);
            if (u.declaredSize >= 0 && u.received > u.declaredSize) {
                objects.remove(ProjectObjects.Kind.UPLOAD, u.project, u.id);
                count(key, false);
                ctx.response().putHeader("X-Goog-Upload-Status", "final");
                Http.googleError(ctx, GoogleErrors.invalidArgument("Received " + u.received + " bytes, more than the "
                        + u.declaredSize + " announced in X-Goog-Upload-Header-Content-Length."), false);
                return;
            }
            if (!finalize) {
                count(key, true);
                ctx.response().setStatusCode(200).putHeader("X-Goog-Upload-Status", "active")
                        .putHeader("X-Goog-Upload-Size-Received", Long.toString(u.received)).end();
                return;
            }
            u.finished = true;
            String[] done = objects.finishBytes(u);
            objects.remove(ProjectObjects.Kind.UPLOAD, u.project, u.id);
            count(key, true);
            ctx.response().putHeader("X-Goog-Upload-Status", "final");
            if (u.storeId != null) {
                Resources.json(ctx, 200, fileSearch().uploaded(u, done[0] == null ? null : Path.of(done[0])));
                return;
            }
            String wanted = u.metadata.getString("name");
            ProjectObjects.FileObj f = newFile(u.project, wanted == null ? null : SimState.stripPrefix(wanted, "files/"),
                    u.displayName, u.mimeType);
            f.sizeBytes = u.received;
            f.sha256Hex = done[1];
            f.content = done[0] == null ? null : Path.of(done[0]);
            processing(f);
            objects.put(ProjectObjects.Kind.FILE, f);
            Resources.json(ctx, 200, new JsonObject().put("file", resource(ctx, f)));
        });
        // A chunk cut off mid-way keeps the session and the bytes that arrived: the client asks with "query" and resumes.
        req.exceptionHandler(t -> objects.closeChunk(u, seq));
        req.resume();
    }

    private FileSearchApi fileSearch;

    void fileSearch(FileSearchApi f) {
        this.fileSearch = f;
    }

    private FileSearchApi fileSearch() {
        return fileSearch;
    }

    /** Video and audio files are PROCESSING for a few files.get polls, as Google's are while it transcodes them. */
    private void processing(ProjectObjects.FileObj f) {
        String mime = f.mimeType.toLowerCase(Locale.ROOT);
        int polls = state.objectSettings().videoFilePolls();
        if ((mime.startsWith("video/") || mime.startsWith("audio/")) && polls > 0) {
            f.state = "PROCESSING";
            f.pollsUntilActive = polls;
        }
    }

    private void count(String key, boolean accepted) {
        if (key != null) {
            state.count(key, null, null, accepted);
        }
    }

    static Set<String> commands(String header) {
        if (header == null) {
            return Set.of();
        }
        java.util.Set<String> s = new java.util.HashSet<>();
        for (String part : header.split(",")) {
            if (!part.isBlank()) {
                s.add(part.trim().toLowerCase(Locale.ROOT));
            }
        }
        return s;
    }

    /**
     * {@code multipart/related} (or {@code multipart/form-data}) one-shot upload [C-multi]: the body goes to a temporary
     * file as it arrives, then the first part (JSON metadata) and the media part are found in it.
     */
    private void multipart(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        NativeApi.Caller c = calls.auth(ctx, "CreateFile");
        if (c == null) {
            discard(req);
            return;
        }
        String ct = req.getHeader("Content-Type");
        String boundary = boundary(ct);
        if (boundary == null) {
            discard(req);
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("Multipart upload needs a Content-Type multipart/related (or "
                    + "multipart/form-data) with a boundary."));
            return;
        }
        Path tmp;
        OutputStream out;
        try {
            tmp = Files.createTempFile("gemini-sim-multipart", ".bin");
            out = Files.newOutputStream(tmp);
        } catch (IOException e) {
            discard(req);
            calls.refuse(ctx, c, GoogleErrors.internal());
            return;
        }
        req.handler(buf -> {
            try {
                out.write(buf.getBytes());
            } catch (IOException e) {
                req.connection().close();
            }
        });
        req.exceptionHandler(t -> ProjectObjects.deleteQuietly(tmp));
        req.endHandler(v -> {
            try {
                out.close();
            } catch (IOException ignored) {
                // read below fails and answers 400
            }
            vertx.<Object>executeBlocking(() -> parseMultipart(tmp, boundary), false).onComplete(ar -> {
                if (ar.failed() || ar.result() instanceof GoogleErrors.GoogleError) {
                    ProjectObjects.deleteQuietly(tmp);
                    calls.refuse(ctx, c, ar.failed() ? GoogleErrors.invalidArgument("Malformed multipart body.")
                            : (GoogleErrors.GoogleError) ar.result());
                    return;
                }
                Multipart m = (Multipart) ar.result();
                JsonObject file = m.meta.getValue("file") instanceof JsonObject fo ? fo : m.meta;
                String wanted = file.getValue("name") instanceof String n && !n.isBlank()
                        ? SimState.stripPrefix(n, "files/") : null;
                if (wanted != null && (!FILE_NAME.matcher(wanted).matches() || state.file(c.project(), wanted) != null)) {
                    ProjectObjects.deleteQuietly(m.media);
                    calls.refuse(ctx, c, FILE_NAME.matcher(wanted).matches()
                            ? GoogleErrors.of(409, "ALREADY_EXISTS", "File files/" + wanted + " already exists.")
                            : GoogleErrors.invalidArgument("Invalid file name: files/" + wanted + "."));
                    return;
                }
                String mime = file.getString("mimeType", m.mediaType);
                ProjectObjects.FileObj f = newFile(c.project(), wanted, file.getString("displayName"), mime);
                f.sizeBytes = m.size;
                f.sha256Hex = m.sha256Hex;
                f.content = m.media;
                processing(f);
                objects.put(ProjectObjects.Kind.FILE, f);
                calls.ok(ctx, c, new JsonObject().put("file", resource(ctx, f)));
            });
        });
        req.resume();
    }

    private record Multipart(JsonObject meta, String mediaType, Path media, long size, String sha256Hex) {
    }

    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String lower = contentType.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("multipart/related") && !lower.startsWith("multipart/form-data")) {
            return null;
        }
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = t.substring("boundary=".length()).trim();
                if (b.startsWith("\"") && b.endsWith("\"") && b.length() >= 2) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() ? null : b;
            }
        }
        return null;
    }

    /**
     * Finds the parts of a multipart body kept in {@code tmp}: the first part is the metadata when it is JSON, the last
     * part is the media. The media's bytes are copied to a file of their own (the whole body is deleted).
     */
    private Object parseMultipart(Path tmp, String boundary) throws IOException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        long length = Files.size(tmp);
        byte[] head;
        try (InputStream in = Files.newInputStream(tmp)) {
            head = in.readNBytes((int) Math.min(length, MULTIPART_HEAD));
        }
        int first = indexOf(head, delimiter, 0);
        if (first < 0) {
            return GoogleErrors.invalidArgument("Malformed multipart body: no boundary.");
        }
        // Each part: delimiter CRLF headers CRLF CRLF body CRLF delimiter ...
        int p1Headers = first + delimiter.length + 2;
        int p1Body = indexOf(head, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), p1Headers);
        if (p1Body < 0) {
            return GoogleErrors.invalidArgument("Malformed multipart body: no part headers.");
        }
        String headers1 = new String(head, p1Headers, p1Body - p1Headers, StandardCharsets.ISO_8859_1);
        p1Body += 4;
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int p1End = indexOf(head, nextDelimiter, p1Body);
        JsonObject meta = new JsonObject();
        long mediaStart;
        String mediaType;
        boolean firstIsJson = headers1.toLowerCase(Locale.ROOT).contains("application/json");
        if (firstIsJson && p1End > 0) {
            try {
                meta = Generation.parseObject(new String(head, p1Body, p1End - p1Body, StandardCharsets.UTF_8));
            } catch (Generation.Invalid e) {
                return e.error;
            }
            int p2Headers = p1End + nextDelimiter.length + 2;
            int p2Body = indexOf(head, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), p2Headers);
            if (p2Body < 0) {
                return GoogleErrors.invalidArgument("Malformed multipart body: no media part.");
            }
            mediaType = contentTypeOf(new String(head, p2Headers, p2Body - p2Headers, StandardCharsets.ISO_8859_1));
            mediaStart = p2Body + 4L;
        } else {
            mediaType = contentTypeOf(headers1);
            mediaStart = p1Body;
        }
        long mediaEnd = closingDelimiter(tmp, length, nextDelimiter);
        if (mediaEnd < mediaStart) {
            return GoogleErrors.invalidArgument("Malformed multipart body: no closing boundary.");
        }
        java.security.MessageDigest digest = ProjectObjects.sha256();
        long size = mediaEnd - mediaStart;
        boolean keep = size <= state.objectSettings().keepBytesUpTo();
        Path media = keep ? Files.createTempFile("gemini-sim-media", ".bin") : null;
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "r");
             OutputStream out = keep ? Files.newOutputStream(media) : OutputStream.nullOutputStream()) {
            raf.seek(mediaStart);
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
                left -= n;
            }
        } finally {
            ProjectObjects.deleteQuietly(tmp);
        }
        return new Multipart(meta, mediaType, media, size, java.util.HexFormat.of().formatHex(digest.digest()));
    }

    /** Offset of the last {@code CRLF--boundary} in the file (the closing one), or -1. */
    private static long closingDelimiter(Path tmp, long length, byte[] nextDelimiter) throws IOException {
        int tail = (int) Math.min(length, nextDelimiter.length + 64L);
        byte[] end = new byte[tail];
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "r")) {
            raf.seek(length - tail);
            raf.readFully(end);
        }
        int at = -1;
        for (int i = indexOf(end, nextDelimiter, 0); i >= 0; i = indexOf(end, nextDelimiter, i + 1)) {
            at = i;
        }
        return at < 0 ? -1 : length - tail + at;
    }

    private static String contentTypeOf(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------ get / list / delete / download

    /** Every {@code /v1beta/files…} and {@code /download/v1beta/files…} request. */
    void handle(RoutingContext ctx, String rest, boolean downloadPath) {
        String tail = rest.replace("%3A", ":").replace("%3a", ":");
        if (!downloadPath && ObjectCalls.collection(ctx, tail, null, () -> list(ctx))) {
            return;
        }
        io.vertx.core.http.HttpMethod method = ctx.request().method();
        boolean download = tail.endsWith(":download");
        String id = download ? tail.substring(0, tail.length() - ":download".length()) : tail;
        if (id.isEmpty() || id.contains("/") || (downloadPath && !download)) {
            ObjectCalls.methodNotFound(ctx);
            return;
        }
        if (download && method == io.vertx.core.http.HttpMethod.GET) {
            download(ctx, id);
        } else if (!download && method == io.vertx.core.http.HttpMethod.GET) {
            get(ctx, id);
        } else if (!download && method == io.vertx.core.http.HttpMethod.DELETE) {
            delete(ctx, id);
        } else {
            ObjectCalls.methodNotFound(ctx);
        }
    }

    /**
     * {@code POST /v1beta/files:register} {@code {"uris":["gs://…"]}} [PY-files 110, 520]: each Cloud Storage object
     * becomes a REGISTERED, ACTIVE file of the caller's project (no bytes are fetched; size 0).
     */
    void register(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "RegisterFiles");
        if (c == null) {
            return;
        }
        JsonArray uris;
        try {
            JsonObject body = Generation.parseObject(ctx.body().asString());
            uris = body.getValue("uris") instanceof JsonArray a ? a : null;
            if (uris == null || uris.isEmpty() || uris.size() > 100) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("* RegisterFilesRequest.uris: between 1 and "
                        + "100 gs:// URIs are required\n"));
            }
            for (Object u : uris) {
                if (!(u instanceof String us) || !us.startsWith("gs://") || us.length() < 6) {
                    throw new Generation.Invalid(GoogleErrors.invalidArgument("Only gs:// URIs can be registered: " + u));
                }
            }
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
            return;
        }
        JsonArray out = new JsonArray();
        for (Object u : uris) {
            String uri = (String) u;
            ProjectObjects.FileObj f = newFile(c.project(), null, uri.substring(uri.lastIndexOf('/') + 1), null);
            f.source = "REGISTERED";
            f.sha256Hex = SimState.fingerprint(uri);
            objects.put(ProjectObjects.Kind.FILE, f);
            out.add(resource(ctx, f));
        }
        calls.ok(ctx, c, new JsonObject().put("files", out));
    }

    private void get(RoutingContext ctx, String id) {
        NativeApi.Caller c = calls.auth(ctx, "GetFile");
        if (c == null) {
            return;
        }
        ProjectObjects.FileObj f = calls.file(ctx, c, id);
        if (f == null) {
            return;
        }
        JsonObject body = objects.locked(() -> {
            if ("PROCESSING".equals(f.state) && --f.pollsUntilActive <= 0) {
                f.state = "ACTIVE";
                f.updated = state.now();
            }
            return resource(ctx, f);
        });
        calls.ok(ctx, c, body);
    }

    /** files.list: the caller's project only, newest first, pageSize default 10 and maximum 100; empty = {}. */
    private void list(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "ListFiles");
        if (c == null) {
            return;
        }
        Instant now = state.now();
        List<ProjectObjects.FileObj> all = objects.list(ProjectObjects.Kind.FILE, c.project(),
                Comparator.comparing((ProjectObjects.FileObj f) -> f.created).reversed()
                        .thenComparing(f -> f.id), f -> f.expires == null || now.isBefore(f.expires));
        calls.page(ctx, c, all, "files", 10, 100, "files", f -> resource(ctx, f));
    }

    private void delete(RoutingContext ctx, String id) {
        NativeApi.Caller c = calls.auth(ctx, "DeleteFile");
        if (c == null) {
            return;
        }
        if (calls.file(ctx, c, id) == null) {
            return;
        }
        objects.remove(ProjectObjects.Kind.FILE, c.project(), id);
        calls.ok(ctx, c, new JsonObject());
    }

    /**
     * {@code :download?alt=media}: only generated files (batch results, videos) can be downloaded [PY-files 700-720];
     * the bytes go out as {@code application/octet-stream}, read from disk in pieces.
     */
    private void download(RoutingContext ctx, String id) {
        NativeApi.Caller c = calls.auth(ctx, "DownloadFile");
        if (c == null) {
            return;
        }
        ProjectObjects.FileObj f = calls.file(ctx, c, id);
        if (f == null) {
            return;
        }
        if (!"GENERATED".equals(f.source) || f.content == null) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("Only generated files can be downloaded. File files/" + id
                    + " was uploaded."));
            return;
        }
        if (!"media".equals(ctx.request().getParam("alt"))) {
            calls.ok(ctx, c, resource(ctx, f));
            return;
        }
        calls.count(c, true);
        ctx.response().putHeader("Content-Type", f.mimeType);
        ctx.response().sendFile(f.content.toString());
    }

    /** Reads a kept file's bytes (for JSONL batch input); null when they were not kept. */
    static byte[] bytes(ProjectObjects.FileObj f) {
        if (f.content == null) {
            return null;
        }
        try {
            return Files.readAllBytes(f.content);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads and drops a body that will not be used, so the connection stays usable. */
    static void discard(HttpServerRequest req) {
        if (!req.isEnded()) {
            req.handler(b -> { });
            req.resume();
        }
    }
}
