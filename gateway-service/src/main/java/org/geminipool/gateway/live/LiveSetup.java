package org.geminipool.gateway.live;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.contract.ModelNames;

/**
 * The client's first Live message, {@code {"setup":{"model":"models/…",…}}} (gemini-api-2026.md §10), read before any
 * lease (pure, unit-tested): the model to route, the resumption handle to pin, and the message re-serialised with the
 * target's model for Google. Anything else is refused with a close code a client can read: 1007 for a message that is
 * not a JSON setup, 1008 for a model name that is not one; nothing is leased and no key is blamed.
 */
public final class LiveSetup {

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    /** The setup as read: the whole message, the model named (bare), and {@code sessionResumption.handle}, if any. */
    public record Setup(ObjectNode message, String model, String handle) {

        /** The message Google gets: the same setup with {@code models/<target>}. */
        public byte[] forModel(String targetModel) {
            ObjectNode copy = message.deepCopy();
            ((ObjectNode) copy.get("setup")).put("model", "models/" + ModelNames.bare(targetModel));
            try {
                return JSON.writeValueAsBytes(copy);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A refused first message: the close code and reason for the client. */
    public static final class Refused extends Exception {
        private final short code;

        Refused(int code, String reason) {
            super(reason, null, false, false);
            this.code = (short) code;
        }

        public short code() {
            return code;
        }
    }

    private LiveSetup() {
    }

    /**
     * Reads the first message. {@code fixedModel} (an ephemeral token's locked setup names its model; may be null) is
     * used when the setup names none.
     */
    public static Setup parse(byte[] bytes, String fixedModel) throws Refused {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (Exception e) {
            throw new Refused(1007, "Invalid JSON payload received: the first message must be a JSON setup message.");
        }
        if (root == null || !root.isObject() || !root.path("setup").isObject()) {
            throw new Refused(1007, "The first message must be a setup message: {\"setup\":{\"model\":\"models/…\"}}.");
        }
        JsonNode setup = root.get("setup");
        JsonNode m = setup.get("model");
        String model = m != null && m.isTextual() ? m.asText() : fixedModel;
        if (model == null || model.isBlank()) {
            throw new Refused(1007, "setup.model is required (models/<model id>).");
        }
        if (!ModelNames.valid(model)) {
            throw new Refused(1008, LiveCloses.reason(ModelNames.problem(model)));
        }
        String handle = null;
        JsonNode resumption = setup.get("sessionResumption");
        if (resumption != null && resumption.isObject() && resumption.path("handle").isTextual()
                && !resumption.get("handle").asText().isEmpty()) {
            handle = resumption.get("handle").asText();
            if (handle.length() > 4096) {
                throw new Refused(1007, "sessionResumption.handle is too long.");
            }
        }
        return new Setup((ObjectNode) root, ModelNames.bare(model), handle);
    }
}
