package org.geminipool.gateway.affinity;

import com.fasterxml.jackson.databind.JsonNode;
import org.geminipool.contract.affinity.ObjectNames;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The stored objects a request names (design §2, affinity), found without any network call: in the path
 * ({@code /v1beta/files/abc}, {@code /v1beta/cachedContents/x}, {@code /v1beta/batches/x:cancel},
 * {@code /v1beta/interactions/x/cancel}, {@code /v1beta/models/veo/operations/x}, {@code /v1beta/fileSearchStores/x/…},
 * the same under {@code /upload/} and {@code /download/}, and a resumable chunk's {@code upload_id}), and in a JSON
 * body under the fields that carry references: {@code fileUri} (a {@code files/…} name or a URL whose path names one,
 * as in {@code fileData.fileUri} and a video URI), {@code cachedContent}, {@code previous_interaction_id},
 * {@code fileName} (a batch's {@code inputConfig.fileName}, a File Search import), {@code fileSearchStoreNames}, and a
 * {@code uri} or {@code downloadUri} whose path names a file. Text parts are never read: a prompt that mentions
 * "files/abc" names nothing. The walk is bounded ({@link #MAX_NODES} nodes).
 *
 * <p>Google's OpenAI-compatible routes ({@link #openAiInPath}): {@code /v1beta/openai/files/<id>[/content]},
 * {@code /v1beta/openai/batches/<id>[/cancel]} (their ids are the native {@code files/…} and {@code batches/…}, sent
 * with or without the prefix) and {@code /v1beta/openai/videos/<id>[/content]} (recorded as {@code videos/<id>}); in a
 * body, OpenAI's {@code input_file_id} and {@code file_id} (a bare id means {@code files/<id>}).
 */
public final class ObjectRefs {

    static final int MAX_NODES = 200_000;

    /** Path collections whose next segment is an object id. */
    private static final Set<String> COLLECTIONS = Set.of("files", "cachedContents", "batches", "interactions",
            "fileSearchStores");
    private static final Set<String> FILE_NAME_FIELDS = Set.of("fileUri", "file_uri", "uri", "downloadUri",
            "download_uri", "fileName", "file_name", "responsesFile", "responses_file");
    private static final Set<String> CACHE_FIELDS = Set.of("cachedContent", "cached_content");
    private static final Set<String> INTERACTION_FIELDS = Set.of("previous_interaction_id", "previousInteractionId");
    private static final Set<String> STORE_FIELDS = Set.of("fileSearchStoreNames", "file_search_store_names");
    /** OpenAI's file references (a batch's input, a chat content part's file): a bare id is a {@code files/} id. */
    private static final Set<String> OPENAI_FILE_FIELDS = Set.of("input_file_id", "file_id");
    /** The OpenAI-compatible collections that hold objects, and the name prefix their ids are recorded under. */
    private static final Set<String> OPENAI_COLLECTIONS = Set.of("files", "batches", "videos");
    /** Sub-paths of {@code /videos} that create (their references are in the body), not video ids. */
    private static final Set<String> OPENAI_VIDEO_VERBS = Set.of("characters", "edits", "extensions");

    private ObjectRefs() {
    }

    /**
     * The object a path names, or null: {@code /v1beta/files/abc:download} → {@code files/abc};
     * {@code /v1beta/models/m/operations/x} → {@code models/m/operations/x}; {@code /v1beta/fileSearchStores/s/documents/d}
     * → {@code fileSearchStores/s/documents/d} (its store decides the project: {@link #ownerName}).
     */
    public static String inPath(String path) {
        String rest = apiRest(path);
        if (rest == null || rest.isEmpty()) {
            return null;
        }
        String[] segments = rest.split("/");
        String first = segments[0];
        if (first.equals("openai")) {
            return openAiInPath(segments);
        }
        if (first.equals("models") && segments.length >= 4 && segments[2].equals("operations")) {
            return name(String.join("/", java.util.Arrays.copyOfRange(segments, 0, 4)));
        }
        if (first.equals("operations") && segments.length >= 2) {
            return name("operations/" + stripMethod(segments[1]));
        }
        String collection = stripMethod(first);
        if (!COLLECTIONS.contains(collection) || segments.length < 2 || !first.equals(collection)) {
            return null;
        }
        if (collection.equals("fileSearchStores") && segments.length >= 4
                && (segments[2].equals("operations") || segments[2].equals("documents")
                || segments[2].equals("upload"))) {
            return name("fileSearchStores/" + segments[1] + "/" + segments[2] + "/" + stripMethod(segments[3]));
        }
        return name(collection + "/" + stripMethod(segments[1]));
    }

    /**
     * The object an OpenAI-compatible path names ({@code segments} after the API version, starting with
     * {@code openai}): {@code openai/files/files/x/content} and {@code openai/files/x} → {@code files/x};
     * {@code openai/batches/batches/x/cancel} → {@code batches/x}; {@code openai/videos/x/content} → {@code videos/x}.
     */
    static String openAiInPath(String[] segments) {
        if (segments.length < 3 || !OPENAI_COLLECTIONS.contains(segments[1])) {
            return null;
        }
        String collection = segments[1];
        if (collection.equals("videos") && OPENAI_VIDEO_VERBS.contains(segments[2])) {
            return null;
        }
        String id = segments[2].equals(collection) && segments.length >= 4 ? segments[3] : segments[2];
        return name(collection + "/" + stripMethod(id));
    }

    /**
     * The kind an OpenAI-compatible list path lists ({@code GET /v1beta/openai/files} → {@code FILE}, {@code batches}
     * → {@code BATCH}, {@code videos} → {@code VIDEO}), or null.
     */
    public static org.geminipool.contract.affinity.ObjectKind openAiListed(String path) {
        String rest = apiRest(path);
        if (rest == null || !rest.startsWith("openai/")) {
            return null;
        }
        return switch (rest.substring("openai/".length())) {
            case "files" -> org.geminipool.contract.affinity.ObjectKind.FILE;
            case "batches" -> org.geminipool.contract.affinity.ObjectKind.BATCH;
            case "videos" -> org.geminipool.contract.affinity.ObjectKind.VIDEO;
            default -> null;
        };
    }

    /**
     * The record that decides a name's project: a document or an operation of a File Search store belongs to the
     * store's project (the pool recorded the store; documents come from Google's own processing).
     */
    public static String ownerName(String name) {
        if (name.startsWith("fileSearchStores/")) {
            String[] s = name.split("/");
            return s.length >= 2 ? s[0] + "/" + s[1] : name;
        }
        return name;
    }

    /** {@code upload_id} of a resumable chunk as the name it is recorded under. */
    public static String upload(String uploadId) {
        return uploadId == null || uploadId.isBlank() ? null : name("uploads/" + uploadId);
    }

    /** The collection a path lists ({@code GET /v1beta/files} → {@code files}), or null. */
    public static String listedCollection(String path) {
        String rest = apiRest(path);
        return rest != null && COLLECTIONS.contains(rest) && !rest.equals("interactions") ? rest : null;
    }

    /** The names a JSON body refers to (see the class comment), in order of appearance. */
    public static Set<String> inBody(JsonNode body) {
        Set<String> out = new LinkedHashSet<>();
        if (body == null) {
            return out;
        }
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(body);
        int seen = 0;
        while (!todo.isEmpty() && seen++ < MAX_NODES) {
            JsonNode node = todo.pop();
            if (node.isArray()) {
                node.forEach(todo::push);
                continue;
            }
            if (!node.isObject()) {
                continue;
            }
            for (var it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = e.getKey();
                JsonNode v = e.getValue();
                if (field.equals("text")) {
                    continue;
                }
                if (v.isTextual()) {
                    String ref = reference(field, v.asText());
                    if (ref != null) {
                        out.add(ref);
                    }
                } else if (STORE_FIELDS.contains(field) && v.isArray()) {
                    for (JsonNode s : v) {
                        if (s.isTextual() && s.asText().startsWith("fileSearchStores/")) {
                            out.add(s.asText());
                        }
                    }
                } else if (v.isContainerNode()) {
                    todo.push(v);
                }
            }
        }
        return out;
    }

    /** The object name a field's value refers to, or null (not a reference field, or not a stored object). */
    public static String reference(String field, String value) {
        if (OPENAI_FILE_FIELDS.contains(field)) {
            return value.isEmpty() ? null : value.startsWith("files/") ? fileName(value) : name("files/" + value);
        }
        if (FILE_NAME_FIELDS.contains(field)) {
            return fileName(value);
        }
        if (CACHE_FIELDS.contains(field)) {
            return value.startsWith("cachedContents/") ? value : value.isEmpty() ? null : "cachedContents/" + value;
        }
        if (INTERACTION_FIELDS.contains(field)) {
            return value.isEmpty() ? null : value.startsWith("interactions/") ? value : "interactions/" + value;
        }
        return null;
    }

    /**
     * {@code files/abc}, or a URL whose path is {@code /v1beta/files/abc} (also {@code /v1/…}, {@code /download/v1beta/…},
     * a {@code :download} suffix, any host: the simulator's and Google's alike) → {@code files/abc}; anything else
     * (gs://, YouTube, inline) → null.
     */
    public static String fileName(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.startsWith("files/")) {
            return name("files/" + stripMethod(value.substring("files/".length())));
        }
        if (!value.startsWith("http://") && !value.startsWith("https://")) {
            return null;
        }
        String path;
        try {
            path = URI.create(value).getRawPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (path == null) {
            return null;
        }
        String rest = apiRest(path);
        if (rest == null || !rest.startsWith("files/")) {
            return null;
        }
        String id = rest.substring("files/".length());
        return id.contains("/") ? null : name("files/" + stripMethod(id));
    }

    /** The part after {@code /v1beta/}, {@code /v1/}, {@code /v1alpha/} (optionally under /upload or /download). */
    static String apiRest(String path) {
        String p = path;
        if (p.startsWith("/upload/")) {
            p = p.substring("/upload".length());
        } else if (p.startsWith("/download/")) {
            p = p.substring("/download".length());
        }
        for (String version : new String[] {"/v1beta/", "/v1alpha/", "/v1/"}) {
            if (p.startsWith(version)) {
                String rest = p.substring(version.length());
                return rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
            }
        }
        return null;
    }

    private static String stripMethod(String segment) {
        int colon = segment.indexOf(':');
        return colon < 0 ? segment : segment.substring(0, colon);
    }

    private static String name(String n) {
        return ObjectNames.valid(n) ? n : null;
    }
}
