package org.geminipool.contract.affinity;

import java.util.regex.Pattern;

/**
 * What a stored object's name may be, written once for the gateway and the keypool: Google's resource names are
 * slash-separated segments of {@code [A-Za-z0-9._~-]}, here at most 255 characters, no empty, {@code .} or {@code ..}
 * segment (so a name can never steer an upstream path), and an owner is the gateway's client token id.
 */
public final class ObjectNames {

    public static final int MAX_LENGTH = 255;
    /** Most names one lookup may carry (a request naming more objects is refused before any lease). */
    public static final int MAX_LOOKUP = 64;
    /** Most objects one list answers. */
    public static final int MAX_LIST = 1000;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ObjectNames() {
    }

    public static boolean valid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || name.startsWith("/") || name.endsWith("/")) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    public static boolean validOwner(String owner) {
        return owner != null && OWNER.matcher(owner).matches();
    }

    /** The kind of a Google resource name, from its collection segments. */
    public static ObjectKind kindOf(String name) {
        if (name.startsWith("uploads/")) {
            return ObjectKind.UPLOAD;
        }
        if (name.contains("/operations/")) {
            return ObjectKind.OPERATION;
        }
        if (name.startsWith("fileSearchStores/")) {
            return name.contains("/documents/") ? ObjectKind.DOCUMENT : ObjectKind.FILE_SEARCH_STORE;
        }
        if (name.startsWith("files/")) {
            return ObjectKind.FILE;
        }
        if (name.startsWith("cachedContents/")) {
            return ObjectKind.CACHE;
        }
        if (name.startsWith("batches/")) {
            return ObjectKind.BATCH;
        }
        if (name.startsWith("interactions/")) {
            return ObjectKind.INTERACTION;
        }
        if (name.startsWith("videos/")) {
            return ObjectKind.VIDEO;
        }
        if (name.startsWith(org.geminipool.contract.live.LiveObjects.AUTH_TOKENS)) {
            return ObjectKind.AUTH_TOKEN;
        }
        if (name.startsWith(org.geminipool.contract.live.LiveObjects.HANDLES)) {
            return ObjectKind.LIVE_HANDLE;
        }
        return ObjectKind.OTHER;
    }
}
