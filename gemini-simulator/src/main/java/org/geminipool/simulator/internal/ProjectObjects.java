package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The stored objects of the simulated Google, each owned by the Google project whose key created it
 * (gemini-api-2026.md §4–§9: "Files, caches and batches are project-scoped"): files, resumable uploads, cached
 * contents, batches, interactions, long-running operations and File Search stores. Another project's key naming an
 * object finds nothing, which the routes turn into Google's 403 (files, caches) or 404 (the rest).
 *
 * <p>Every method locks this store; the objects it hands out are mutable and only changed under the same lock
 * ({@link #locked}). Upload bytes never stay in memory: they are counted and hashed, and kept in a temporary file only
 * when the simulator may need them again (JSONL batch input, files small enough to download).
 */
public final class ProjectObjects {

    /** Which kinds of object exist; the map key of each per-project table. */
    public enum Kind { FILE, CACHE, BATCH, INTERACTION, OPERATION, STORE, UPLOAD, OPENAI_VIDEO, LIVE_HANDLE, AUTH_TOKEN }

    /** Base of every stored object: its project and its id (the part after {@code files/}, {@code batches/} …). */
    public abstract static class Obj {
        public final String project;
        public final String id;
        public final Instant created;
        public Instant updated;

        Obj(String project, String id, Instant created) {
            this.project = project;
            this.id = id;
            this.created = created;
            this.updated = created;
        }
    }

    /** A Files API object (§4 "File resource"). */
    public static final class FileObj extends Obj {
        public String displayName;
        public String mimeType;
        public long sizeBytes;
        public String sha256Hex;
        public Instant expires;
        public String state = "ACTIVE";
        /** UPLOADED, GENERATED or REGISTERED. */
        public String source = "UPLOADED";
        /** Polls of files.get left before a PROCESSING file turns ACTIVE. */
        public int pollsUntilActive;
        /** The bytes, when kept (see class comment); null otherwise. */
        public Path content;

        FileObj(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** A resumable upload session, authorised by its upload_id alone (§4). */
    public static final class Upload extends Obj {
        public JsonObject metadata = new JsonObject();
        public String mimeType;
        public String displayName;
        public long declaredSize = -1;
        public long received;
        public boolean finished;
        public boolean cancelled;
        /** Counts chunk requests, so a cut-off chunk's late clean-up leaves a newer chunk's file open. */
        int chunkSeq;
        /** Non-null for an upload into a File Search store. */
        public String storeId;
        final MessageDigest digest = sha256();
        Path tmp;
        OutputStream out;

        Upload(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** A cachedContents object (§5). */
    public static final class CacheObj extends Obj {
        public String model;
        public String displayName = "";
        public Instant expires;
        public int tokens;
        public String wholePrompt;

        CacheObj(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** A batch job (§6). */
    public static final class BatchObj extends Obj {
        public String model;
        public String displayName;
        public boolean embed;
        public String state = "BATCH_STATE_PENDING";
        public Instant ended;
        public int pollsLeft;
        /** The requests ({@code {request, metadata}} or, from a file, {@code {key, request}}). */
        public List<JsonObject> requests = new ArrayList<>();
        public String inputFile;
        public long enqueuedTokens;
        public JsonObject output;
        public JsonObject stats;

        BatchObj(String project, String id, Instant created) {
            super(project, id, created);
        }

        public boolean active() {
            return state.equals("BATCH_STATE_PENDING") || state.equals("BATCH_STATE_RUNNING");
        }
    }

    /** A stored interaction (§7), with its SSE events for resumable GETs. */
    public static final class InteractionObj extends Obj {
        public String model;
        public String status;
        public String previousId;
        /** The text of this turn's input and of the model's answer, for history. */
        public String inputText;
        public String outputText;
        public String history;
        public JsonObject resource;
        public JsonArray inputSteps = new JsonArray();
        public List<JsonObject> events = new ArrayList<>();
        public int pollsLeft;

        InteractionObj(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** A long-running operation (§8, and File Search imports). {@code id} is its whole name. */
    public static final class OperationObj extends Obj {
        public boolean done;
        public int pollsLeft;
        public JsonObject metadata;
        public JsonObject response;
        public Runnable onDone;

        OperationObj(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** A File Search store (§9) and its documents. */
    public static final class StoreObj extends Obj {
        public String displayName;
        public String embeddingModel;
        public final Map<String, JsonObject> documents = new LinkedHashMap<>();

        StoreObj(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** An OpenAI-compatible video job ({@code /v1beta/openai/videos}, §12). */
    public static final class VideoJob extends Obj {
        public String model;
        public String prompt;
        public String status = "queued";
        public int pollsLeft;
        public String fileId;

        VideoJob(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    /** A Live API session resumption handle and the history it resumes (§10). */
    public static final class LiveHandle extends Obj {
        public final String history;

        LiveHandle(String project, String id, Instant created, String history) {
            super(project, id, created);
            this.history = history;
        }
    }

    /** An ephemeral token for the Live API (§10): {@code uses} sessions may start before {@code newSessionExpires}. */
    public static final class AuthToken extends Obj {
        public int uses;
        public Instant expires;
        public Instant newSessionExpires;
        public JsonObject setup;

        AuthToken(String project, String id, Instant created) {
            super(project, id, created);
        }
    }

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Map<Kind, Map<String, Map<String, Obj>>> objects = new LinkedHashMap<>();
    private final Set<String> usedIds = new HashSet<>();
    private Random random = new Random(14);
    private final Path tmpDir;

    ProjectObjects() {
        try {
            tmpDir = Files.createTempDirectory("gemini-sim-objects");
            tmpDir.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException("no temp dir for uploads: " + e, e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh id of {@code length} lowercase letters and digits, unique among every object ever made here. */
    public synchronized String newId(int length) {
        while (true) {
            StringBuilder b = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                b.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
            }
            if (usedIds.add(b.toString())) {
                return b.toString();
            }
        }
    }

    private Map<String, Obj> table(Kind kind, String project) {
        return objects.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(project, p -> new LinkedHashMap<>());
    }

    /** Stores {@code o} under its project. */
    public synchronized <T extends Obj> T put(Kind kind, T o) {
        usedIds.add(o.id);
        table(kind, o.project).put(o.id, o);
        return o;
    }

    /** The project's object of that kind and id, or null (another project's object is null too). */
    @SuppressWarnings("unchecked")
    public synchronized <T extends Obj> T get(Kind kind, String project, String id) {
        if (project == null || id == null) {
            return null;
        }
        return (T) objects.getOrDefault(kind, Map.of()).getOrDefault(project, Map.of()).get(id);
    }

    /** Whether any project holds an object of that kind and id (for "exists elsewhere" decisions). */
    public synchronized boolean existsAnywhere(Kind kind, String id) {
        for (Map<String, Obj> t : objects.getOrDefault(kind, Map.of()).values()) {
            if (t.containsKey(id)) {
                return true;
            }
        }
        return false;
    }

    /** Finds an object of any project by id (upload sessions: the upload_id alone authorises). */
    @SuppressWarnings("unchecked")
    public synchronized <T extends Obj> T findAnywhere(Kind kind, String id) {
        for (Map<String, Obj> t : objects.getOrDefault(kind, Map.of()).values()) {
            Obj o = t.get(id);
            if (o != null) {
                return (T) o;
            }
        }
        return null;
    }

    public synchronized boolean remove(Kind kind, String project, String id) {
        Obj o = table(kind, project).remove(id);
        if (o instanceof FileObj f && f.content != null) {
            deleteQuietly(f.content);
        }
        if (o instanceof Upload u) {
            closeUpload(u, true);
        }
        return o != null;
    }

    /** The project's objects of a kind, in the order {@code order}, optionally filtered. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends Obj> List<T> list(Kind kind, String project, Comparator<T> order, Predicate<T> keep) {
        List<T> out = new ArrayList<>();
        for (Obj o : objects.getOrDefault(kind, Map.of()).getOrDefault(project, Map.of()).values()) {
            if (keep == null || keep.test((T) o)) {
                out.add((T) o);
            }
        }
        if (order != null) {
            out.sort(order);
        }
        return out;
    }

    /** Runs {@code r} under the store's lock (for changes to a stored object's fields). */
    public synchronized <R> R locked(java.util.function.Supplier<R> r) {
        return r.get();
    }

    /** For /_sim/: every object id per kind and project. */
    public synchronized Map<String, Map<String, List<String>>> summary() {
        Map<String, Map<String, List<String>>> m = new LinkedHashMap<>();
        objects.forEach((kind, byProject) -> {
            if (kind == Kind.UPLOAD) {
                return;
            }
            Map<String, List<String>> p = new TreeMap<>();
            byProject.forEach((project, t) -> {
                if (!t.isEmpty()) {
                    p.put(project, new ArrayList<>(t.keySet()));
                }
            });
            m.put(kind.name(), p);
        });
        return m;
    }

    // ---------------------------------------------------------------- upload bytes

    /**
     * Gives an upload a temporary file for its bytes. The file is open only while a chunk arrives
     * ({@link #openChunk}/{@link #closeChunk}), so sessions a client abandons hold no file handle.
     */
    public synchronized void keepBytes(Upload u) {
        try {
            u.tmp = Files.createTempFile(tmpDir, "upload-", ".bin");
        } catch (IOException e) {
            throw new IllegalStateException("cannot store upload: " + e, e);
        }
    }

    /** Opens the upload's file for appending one chunk (nothing when its bytes are not kept); returns the chunk's number. */
    public synchronized int openChunk(Upload u) {
        int seq = ++u.chunkSeq;
        if (u.tmp != null && u.out == null) {
            try {
                u.out = Files.newOutputStream(u.tmp, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                closeUpload(u, true);
            }
        }
        return seq;
    }

    /**
     * Closes the upload's file after chunk {@code seq}, unless a newer chunk is arriving; the session and the bytes so
     * far stay (the client may resume).
     */
    public synchronized void closeChunk(Upload u, int seq) {
        if (u.out != null && u.chunkSeq == seq) {
            try {
                u.out.close();
            } catch (IOException e) {
                closeUpload(u, true);
            }
            u.out = null;
        }
    }

    /** Counts, hashes and (while under {@code keepLimit} bytes) writes one piece of an upload. */
    public synchronized void append(Upload u, byte[] bytes, long keepLimit) {
        u.received += bytes.length;
        u.digest.update(bytes);
        if (u.out != null && u.received > keepLimit) {
            closeUpload(u, true);
        }
        if (u.out != null) {
            try {
                u.out.write(bytes);
            } catch (IOException e) {
                closeUpload(u, true);
            }
        }
    }

    /** Ends the upload's byte stream; returns the kept file (or null) and the hex SHA-256. */
    public synchronized String[] finishBytes(Upload u) {
        String hex = java.util.HexFormat.of().formatHex(u.digest.digest());
        closeUpload(u, false);
        Path p = u.tmp;
        u.tmp = null;
        return new String[] {p == null ? null : p.toString(), hex};
    }

    private static void closeUpload(Upload u, boolean delete) {
        if (u.out != null) {
            try {
                u.out.close();
            } catch (IOException ignored) {
                // nothing to do: the file is dropped below or kept as far as written
            }
            u.out = null;
        }
        if (delete && u.tmp != null) {
            deleteQuietly(u.tmp);
            u.tmp = null;
        }
    }

    /** Writes generated content (batch results, videos) to a kept file. */
    public synchronized Path writeGenerated(byte[] bytes) {
        try {
            Path p = Files.createTempFile(tmpDir, "generated-", ".bin");
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot store generated file: " + e, e);
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the directory is deleted on exit
        }
    }

    /** Forgets everything and deletes every kept byte. */
    public synchronized void clear() {
        for (Map<String, Map<String, Obj>> byProject : objects.values()) {
            for (Map<String, Obj> t : byProject.values()) {
                for (Obj o : t.values()) {
                    if (o instanceof FileObj f && f.content != null) {
                        deleteQuietly(f.content);
                    }
                    if (o instanceof Upload u) {
                        closeUpload(u, true);
                    }
                }
            }
        }
        objects.clear();
        usedIds.clear();
        random = new Random(14);
    }
}
