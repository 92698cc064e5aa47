package org.geminipool.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import org.geminipool.contract.ModelNames;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A call the gateway forwards as it is (design §2: any path it does not serve itself): Files, cachedContents, batches,
 * Interactions, operations, File Search stores, uploads and downloads, and whatever Google adds next under
 * {@code /v1beta}, {@code /v1}, {@code /v1alpha}, {@code /upload}, {@code /download}. Built only from a path that passed
 * {@link #hostile}: the upstream sees exactly this path.
 *
 * @param generationModel the model whose limits the call counts against (a generation method in the path, or the
 *                        body's {@code model}/{@code agent} of an Interactions create), null for metadata calls
 */
public record PassCall(HttpMethod method, String path, String uploadId, String uploadCommand, boolean upload,
                       boolean download, boolean interactionsCreate, String generationModel, boolean openAi,
                       boolean interactions, String tokenId) {

    /** Methods that cost generation quota (design §3 buckets): the model's limits, as Google counts them. */
    static final Set<String> GENERATION_METHODS = Set.of("generateContent", "streamGenerateContent",
            "batchGenerateContent", "asyncBatchEmbedContent", "predictLongRunning", "predict", "embedContent",
            "batchEmbedContents", "generateAnswer", "bidiGenerateContent");

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~:-]+");
    /**
     * An OpenAI-compatible file or batch id ({@code files/abc}, {@code batches/abc}) as the openai SDKs put it in a
     * path: percent-encoded ({@code /v1beta/openai/files/files%2Fabc/content}, Node) or plain (Python).
     */
    private static final Pattern OPENAI_ID_SLASH = Pattern.compile("^(/v1beta/openai/(files|batches))/\\2%2[Ff]");

    /**
     * The path as the gateway reads and forwards it: {@code %3A} decoded to {@code :}, and the encoded slash of an
     * OpenAI-compatible file or batch id ({@code /v1beta/openai/files/files%2Fabc}) decoded to the plain form
     * ({@code /v1beta/openai/files/files/abc}, what Google's compat layer and the Python SDK use). Nothing else is
     * decoded; {@link #hostile} checks the result.
     */
    public static String canonical(String rawPath) {
        String p = rawPath.replace("%3A", ":").replace("%3a", ":");
        java.util.regex.Matcher m = OPENAI_ID_SLASH.matcher(p);
        return m.find() ? m.replaceFirst("$1/$2/") : p;
    }

    /**
     * Why a raw request target may not be forwarded, or null: encoded dots, slashes, backslashes or percent signs,
     * dot segments, empty segments, matrix parameters, anything outside {@code [A-Za-z0-9._~:-]} in a segment, or an
     * absolute-form target. What passes is forwarded byte for byte, so no client can steer the upstream path.
     */
    public static String hostile(HttpServerRequest request) {
        String uri = request.uri();
        if (uri == null || !uri.startsWith("/")) {
            return "only origin-form request targets are accepted (no absolute URL)";
        }
        String decoded = canonical(request.path());
        if (decoded.contains("%")) {
            return "percent-encoded characters other than ':' are not accepted in this path";
        }
        if (decoded.length() > 2048) {
            return "the path is longer than 2048 characters";
        }
        String[] segments = decoded.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty() && i == segments.length - 1 && i > 0) {
                continue; // a trailing slash
            }
            if (s.equals(".") || s.equals("..") || !SEGMENT.matcher(s).matches()) {
                return "path segment '" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "' is not accepted"
                        + " (segments are [A-Za-z0-9._~:-], no '.' or '..')";
            }
        }
        return null;
    }

    public static PassCall of(HttpServerRequest request, String tokenId) {
        String path = canonical(request.path());
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        boolean upload = path.startsWith("/upload/");
        boolean download = path.startsWith("/download/") || "media".equals(request.getParam("alt"));
        String command = request.getHeader("X-Goog-Upload-Command");
        String api = apiRest(path);
        boolean openAi = api != null && api.startsWith("openai/");
        boolean interactions = api != null && (api.equals("interactions") || api.startsWith("interactions/"));
        boolean create = interactions && api.equals("interactions") && request.method() == HttpMethod.POST;
        String model = null;
        if (api != null && api.startsWith("models/") && request.method() == HttpMethod.POST) {
            String tail = api.substring("models/".length());
            int colon = tail.lastIndexOf(':');
            if (colon > 0 && !tail.contains("/") && GENERATION_METHODS.contains(tail.substring(colon + 1))) {
                model = tail.substring(0, colon);
                if (!ModelNames.valid(model)) {
                    throw new ClientError(400, ModelNames.problem(model));
                }
            }
        }
        return new PassCall(request.method(), path, request.getParam("upload_id"),
                command == null ? null : command.toLowerCase(Locale.ROOT), upload, download, create, model, openAi,
                interactions, tokenId);
    }

    /** An OpenAI-compatible video create ({@code POST /v1beta/openai/videos}): Veo, counted against its model. */
    public boolean openAiVideoCreate() {
        return openAi && method == HttpMethod.POST && "openai/videos".equals(apiRest(path));
    }

    /** The same call with the generation model an Interactions (or an OpenAI video) body named. */
    public PassCall withModel(String model) {
        return new PassCall(method, path, uploadId, uploadCommand, upload, download, interactionsCreate, model, openAi,
                interactions, tokenId);
    }

    /**
     * A call that creates a stored object whose later use may be combined with the client's other objects — a file
     * upload (resumable start, multipart; native or OpenAI-compatible), a cachedContents or a fileSearchStores create —
     * steered to the project of the client's newest object when it names none itself (README "Affinity").
     */
    public boolean steerableCreate() {
        if (method != HttpMethod.POST) {
            return false;
        }
        String api = apiRest(path);
        if (api == null) {
            return false;
        }
        if (upload) {
            return uploadId == null && (api.equals("files") || api.startsWith("fileSearchStores/"));
        }
        return api.equals("cachedContents") || api.equals("fileSearchStores") || api.equals("openai/files");
    }

    /** A resumable session's first request (its answer carries the upload URL). */
    public boolean uploadStart() {
        return upload && uploadId == null && uploadCommand != null && uploadCommand.contains("start");
    }

    /** The part after the API version ({@code /v1beta/}, {@code /v1/}, {@code /v1alpha/}, under /upload or /download). */
    public static String apiRest(String path) {
        String p = path;
        if (p.startsWith("/upload/")) {
            p = p.substring("/upload".length());
        } else if (p.startsWith("/download/")) {
            p = p.substring("/download".length());
        }
        for (String version : new String[] {"/v1beta/", "/v1alpha/", "/v1/"}) {
            if (p.startsWith(version)) {
                return p.substring(version.length());
            }
        }
        return null;
    }

    /** A short label of what the call is about (usage's model for metadata calls, metrics): its first API segment. */
    public String label() {
        String api = apiRest(path);
        if (api == null || api.isEmpty()) {
            return "passthrough";
        }
        String first = api.split("/")[0];
        int colon = first.indexOf(':');
        first = colon < 0 ? first : first.substring(0, colon);
        if (first.equals("openai") && api.split("/").length > 1) {
            first = "openai-" + api.split("/")[1];
        }
        return ModelNames.valid(first) ? first : "passthrough";
    }
}
