package org.geminipool.simulator.internal;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * File Search stores (gemini-api-2026.md §9, brief): {@code fileSearchStores} create, get, list, delete
 * ({@code ?force=true} for a store with documents), the resumable {@code :uploadToFileSearchStore} (handled by
 * {@link FilesApi}, final chunk answers an operation), {@code :importFile} from a {@code files/…} of the same project,
 * documents under {@code {store}/documents} and operations under {@code {store}/operations} and
 * {@code {store}/upload/operations}. A document is PENDING until its operation is done. Another project's store is a
 * 403 (the simulator's wording, modelled on the Files one).
 */
final class FileSearchApi {

    private static final String SERVICE = "FileSearchStoreService";

    private final SimState state;
    private final OperationsApi operations;
    private final ProjectObjects objects;
    private final ObjectCalls calls;

    FileSearchApi(SimState state, NativeApi natives, OperationsApi operations) {
        this.state = state;
        this.operations = operations;
        this.objects = state.objects();
        this.calls = ObjectCalls.nativeService(state, natives, SERVICE);
    }

    static GoogleErrors.GoogleError storeDenied(String id) {
        return GoogleErrors.objectDenied("FileSearchStore", "fileSearchStores/" + id);
    }

    /** The store resource [PY-types 17303-17335]: counts and size as int64 strings, omitted when zero. */
    JsonObject resource(ProjectObjects.StoreObj s) {
        return objects.locked(() -> {
            JsonObject o = new JsonObject().put("name", "fileSearchStores/" + s.id);
            if (s.displayName != null) {
                o.put("displayName", s.displayName);
            }
            o.put("createTime", Resources.time(s.created)).put("updateTime", Resources.time(s.updated));
            long active = 0;
            long pending = 0;
            long size = 0;
            for (JsonObject d : s.documents.values()) {
                if ("STATE_ACTIVE".equals(d.getString("state"))) {
                    active++;
                    size += Long.parseLong(d.getString("sizeBytes", "0"));
                } else {
                    pending++;
                }
            }
            if (active > 0) {
                o.put("activeDocumentsCount", Long.toString(active));
            }
            if (pending > 0) {
                o.put("pendingDocumentsCount", Long.toString(pending));
            }
            if (size > 0) {
                o.put("sizeBytes", Long.toString(size));
            }
            if (s.embeddingModel != null) {
                o.put("embeddingModel", s.embeddingModel);
            }
            return o;
        });
    }

    void handle(RoutingContext ctx, String rest) {
        String tail = rest.replace("%3A", ":").replace("%3a", ":");
        if (ObjectCalls.collection(ctx, tail, () -> create(ctx), () -> list(ctx))) {
            return;
        }
        HttpMethod m = ctx.request().method();
        String[] parts = tail.split("/");
        boolean importFile = parts.length == 1 && parts[0].endsWith(":importFile");
        String storeId = importFile ? parts[0].substring(0, parts[0].length() - ":importFile".length()) : parts[0];
        String method = importFile ? "ImportFile" : parts.length == 1 ? (m == HttpMethod.DELETE ? "DeleteFileSearchStore"
                : "GetFileSearchStore") : parts[1].equals("documents") ? "Document" : "GetOperation";
        NativeApi.Caller c = calls.auth(ctx, method);
        if (c == null) {
            return;
        }
        ProjectObjects.StoreObj s = calls.owned(ctx, c, ProjectObjects.Kind.STORE, storeId, () -> storeDenied(storeId));
        if (s == null) {
            return;
        }
        if (importFile && m == HttpMethod.POST) {
            importFile(ctx, c, s);
        } else if (parts.length == 1 && m == HttpMethod.GET) {
            calls.ok(ctx, c, resource(s));
        } else if (parts.length == 1 && m == HttpMethod.DELETE) {
            delete(ctx, c, s);
        } else if (parts.length >= 3 && (parts[1].equals("operations")
                || (parts[1].equals("upload") && parts.length == 4 && parts[2].equals("operations")))
                && m == HttpMethod.GET) {
            String name = "fileSearchStores/" + tail;
            ProjectObjects.OperationObj op = calls.owned(ctx, c, ProjectObjects.Kind.OPERATION, name,
                    () -> OperationsApi.denied(name));
            if (op == null) {
                return;
            }
            operations.poll(op);
            calls.ok(ctx, c, OperationsApi.json(op));
        } else if (parts[1].equals("documents") && parts.length == 2 && m == HttpMethod.GET) {
            documents(ctx, c, s);
        } else if (parts[1].equals("documents") && parts.length == 3) {
            String name = "fileSearchStores/" + s.id + "/documents/" + parts[2];
            JsonObject doc = objects.locked(() -> s.documents.get(name));
            if (doc == null) {
                calls.refuse(ctx, c, GoogleErrors.objectDenied("Document", name));
            } else if (m == HttpMethod.GET) {
                calls.ok(ctx, c, objects.locked(doc::copy));
            } else if (m == HttpMethod.DELETE) {
                objects.locked(() -> s.documents.remove(name));
                calls.ok(ctx, c, new JsonObject());
            } else {
                ObjectCalls.methodNotFound(ctx);
            }
        } else {
            ObjectCalls.methodNotFound(ctx);
        }
    }

    private void create(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "CreateFileSearchStore");
        if (c == null) {
            return;
        }
        JsonObject body = calls.body(ctx, c);
        if (body == null) {
            return;
        }
        String display = body.getString("displayName");
        String slug = display == null ? "" : display.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.length() > 27) {
            slug = slug.substring(0, 27);
        }
        String id = (slug.isEmpty() ? "" : slug + "-") + objects.newId(12);
        ProjectObjects.StoreObj s = new ProjectObjects.StoreObj(c.project(), id, state.now());
        s.displayName = display;
        String em = body.getString("embeddingModel");
        s.embeddingModel = em == null ? "models/gemini-embedding-001" : (em.startsWith("models/") ? em : "models/" + em);
        objects.put(ProjectObjects.Kind.STORE, s);
        calls.ok(ctx, c, resource(s));
    }

    private void list(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "ListFileSearchStores");
        if (c == null) {
            return;
        }
        List<ProjectObjects.StoreObj> all = objects.list(ProjectObjects.Kind.STORE, c.project(),
                Comparator.comparing((ProjectObjects.StoreObj x) -> x.created).thenComparing(x -> x.id), null);
        calls.page(ctx, c, all, "stores", 10, 20, "fileSearchStores", this::resource);
    }

    private void delete(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.StoreObj s) {
        boolean force = "true".equalsIgnoreCase(ctx.request().getParam("force"));
        boolean empty = objects.locked(s.documents::isEmpty);
        if (!empty && !force) {
            calls.refuse(ctx, c, GoogleErrors.of(400, "FAILED_PRECONDITION", "Cannot delete non-empty FileSearchStore "
                    + "fileSearchStores/" + s.id + " without force=true."));
            return;
        }
        objects.remove(ProjectObjects.Kind.STORE, c.project(), s.id);
        calls.ok(ctx, c, new JsonObject());
    }

    private void documents(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.StoreObj s) {
        List<JsonObject> all = objects.locked(() -> s.documents.values().stream().map(JsonObject::copy).toList());
        calls.page(ctx, c, all, "documents", 10, 20, "documents", d -> d);
    }

    /** A PENDING document that its operation turns ACTIVE. */
    private ProjectObjects.OperationObj addDocument(ProjectObjects.StoreObj s, String displayName, String mimeType,
                                                    long size, JsonObject custom, String opPath, String responseType) {
        String docId = objects.newId(12);
        String docName = "fileSearchStores/" + s.id + "/documents/" + docId;
        JsonObject doc = new JsonObject().put("name", docName);
        if (displayName != null) {
            doc.put("displayName", displayName);
        }
        if (custom != null) {
            doc.put("customMetadata", custom.getValue("customMetadata"));
        }
        doc.put("createTime", Resources.time(state.now())).put("updateTime", Resources.time(state.now()))
                .put("state", "STATE_PENDING").put("sizeBytes", Long.toString(size))
                .put("mimeType", mimeType == null ? "application/octet-stream" : mimeType);
        objects.locked(() -> s.documents.put(docName, doc));
        String opName = "fileSearchStores/" + s.id + opPath + objects.newId(12);
        ProjectObjects.OperationObj[] holder = new ProjectObjects.OperationObj[1];
        holder[0] = operations.start(s.project, opName, null, () -> objects.locked(() -> {
            doc.put("state", "STATE_ACTIVE").put("updateTime", Resources.time(state.now()));
            holder[0].response = new JsonObject()
                    .put("@type", "type.googleapis.com/google.ai.generativelanguage.v1beta." + responseType)
                    .put("parent", "fileSearchStores/" + s.id).put("documentName", docName);
            return null;
        }));
        return holder[0];
    }

    /** The final chunk of an {@code :uploadToFileSearchStore} session: a new document and its operation. */
    JsonObject uploaded(ProjectObjects.Upload u, Path kept) {
        if (kept != null) {
            ProjectObjects.deleteQuietly(kept);
        }
        ProjectObjects.StoreObj s = objects.get(ProjectObjects.Kind.STORE, u.project, u.storeId);
        if (s == null) {
            return GoogleErrors.objectDenied("FileSearchStore", "fileSearchStores/" + u.storeId).body();
        }
        JsonObject custom = u.metadata.getValue("customMetadata") != null ? u.metadata : null;
        return OperationsApi.json(addDocument(s, u.displayName, u.mimeType, u.received, custom, "/upload/operations/",
                "UploadToFileSearchStoreResponse"));
    }

    private void importFile(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.StoreObj s) {
        JsonObject body = calls.body(ctx, c);
        if (body == null) {
            return;
        }
        String fileName = body.getString("fileName");
        if (fileName == null || fileName.isBlank()) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("* ImportFileRequest.file_name: file_name is not specified\n"));
            return;
        }
        ProjectObjects.FileObj f = calls.file(ctx, c, SimState.stripPrefix(fileName, "files/"));
        if (f == null) {
            return;
        }
        JsonObject custom = body.getValue("customMetadata") != null ? body : null;
        calls.ok(ctx, c, OperationsApi.json(addDocument(s, f.displayName, f.mimeType, f.sizeBytes, custom, "/operations/",
                "ImportFileResponse")));
    }
}
