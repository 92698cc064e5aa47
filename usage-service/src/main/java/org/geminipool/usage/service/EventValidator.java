package org.geminipool.usage.service;

import org.geminipool.contract.usage.UsageEvent;
import org.geminipool.contract.Outcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks a batch event by event before anything is written. The batch itself must be well-formed (an object with an
 * {@code events} array of at most {@code maxBatchSize} entries, else 400/413 and nothing is written); each event that
 * is invalid is refused alone, with its index and the reason, so that one bad event never holds back the good ones of
 * its batch (the gateway cannot repair an event, and a whole-batch refusal would leave it nothing but to set the good
 * events aside with the bad one).
 */
public final class EventValidator {

    /** Key id used for events without one (OpenRouter calls carry no pool key) when the provider is absent too. */
    public static final String NO_KEY = "unknown";
    /** Client token id used for events without one. */
    public static final String NO_CLIENT = "unknown";

    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    /** Binds one event; unknown fields are ignored (an older usage-service accepts a newer gateway's events). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private EventValidator() {
    }

    /** The valid events of a batch, in batch order, and the refused ones. */
    public record Checked(List<NewEvent> events, List<RefusedEvent> refused) {
    }

    public static Checked check(EventBatch batch, int maxBatchSize) {
        if (batch == null || batch.events() == null) {
            throw UsageRequestException.badRequest("body must be a JSON object {\"events\":[…]}");
        }
        if (batch.events().size() > maxBatchSize) {
            throw new UsageRequestException(413, "batch of " + batch.events().size()
                    + " events is larger than the limit of " + maxBatchSize + " (GEMINI_POOL_USAGE_MAX_BATCH_SIZE); "
                    + "send smaller batches");
        }
        List<NewEvent> events = new ArrayList<>(batch.events().size());
        List<RefusedEvent> refused = new ArrayList<>();
        for (int i = 0; i < batch.events().size(); i++) {
            JsonNode node = batch.events().get(i);
            try {
                events.add(validate(i, bind(i, node)));
            } catch (UsageRequestException e) {
                refused.add(new RefusedEvent(i, eventIdOf(node), e.getMessage()));
            }
        }
        return new Checked(events, refused);
    }

    private static UsageEvent bind(int index, JsonNode node) {
        String at = "events[" + index + "]";
        if (node == null || node.isNull()) {
            throw UsageRequestException.badRequest(at + ": must be an object, not null");
        }
        if (!node.isObject()) {
            throw UsageRequestException.badRequest(at + ": must be an object");
        }
        try {
            return JSON.treeToValue(node, UsageEvent.class);
        } catch (MismatchedInputException e) {
            String name = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
            String field = name == null ? "" : "." + name;
            throw UsageRequestException.badRequest(at + field + ": wrong type ("
                    + UsageDays.abbreviate(e.getOriginalMessage()) + ")");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw UsageRequestException.badRequest(at + ": not a usage event");
        }
    }

    private static String eventIdOf(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("eventId").isTextual()) {
            return null;
        }
        String id = node.path("eventId").asText();
        return id.length() > 64 ? id.substring(0, 64) + "…" : id;
    }

    static NewEvent validate(int index, UsageEvent in) {
        String at = "events[" + index + "]";
        if (in == null) {
            throw UsageRequestException.badRequest(at + ": must be an object, not null");
        }
        String eventId = required(at, "eventId", in.eventId(), 64);
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw UsageRequestException.badRequest(at + ".eventId: must be 1-64 characters of A-Z a-z 0-9 . _ : - (a UUID)");
        }
        Instant occurredAt = instant(at, required(at, "occurredAt", in.occurredAt(), 64));
        String model = required(at, "model", in.model(), 128);
        Outcome outcome = outcome(at, required(at, "outcome", in.outcome(), 32));
        String keyId = optional(at, "keyId", in.keyId(), 128);
        String provider = optional(at, "provider", in.provider(), 32);
        if (provider != null) {
            provider = provider.toLowerCase(Locale.ROOT);
        }
        String clientTokenId = optional(at, "clientTokenId", in.clientTokenId(), 64);
        Integer httpStatus = in.httpStatus();
        if (httpStatus != null && (httpStatus < 0 || httpStatus > 999)) {
            throw UsageRequestException.badRequest(at + ".httpStatus: must be between 0 and 999");
        }
        return new NewEvent(eventId, occurredAt, UsageDays.dayOf(occurredAt), keyId,
                keyId != null ? keyId : provider != null ? provider : NO_KEY,
                optional(at, "project", in.project(), 128), model,
                optional(at, "route", in.route(), 64), optional(at, "target", in.target(), 255), provider,
                clientTokenId != null ? clientTokenId : NO_CLIENT, outcome, httpStatus,
                count(at, "latencyMs", in.latencyMs()), count(at, "promptTokens", in.promptTokens()),
                count(at, "completionTokens", in.completionTokens()), count(at, "thoughtTokens", in.thoughtTokens()),
                optional(at, "door", in.door(), 16));
    }

    private static String required(String at, String field, String value, int maxLength) {
        String v = optional(at, field, value, maxLength);
        if (v == null) {
            throw UsageRequestException.badRequest(at + "." + field + ": required");
        }
        return v;
    }

    /** Trimmed value, null when absent or blank; 400 when longer than {@code maxLength}. */
    private static String optional(String at, String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.length() > maxLength) {
            throw UsageRequestException.badRequest(at + "." + field + ": longer than " + maxLength + " characters");
        }
        return v;
    }

    private static Instant instant(String at, String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw UsageRequestException.badRequest(at + ".occurredAt: '" + UsageDays.abbreviate(value)
                    + "' is not an ISO-8601 time with offset, e.g. 2026-11-26T12:00:00.123Z");
        }
        if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
            throw UsageRequestException.badRequest(at + ".occurredAt: must be between 2000 and 2100");
        }
        return instant;
    }

    /** The outcomes a gateway reports: all but EXPIRED, which only the keypool's expiry job sets on its leases. */
    private static final List<Outcome> REPORTED = Arrays.stream(Outcome.values()).filter(o -> o != Outcome.EXPIRED)
            .toList();

    private static Outcome outcome(String at, String value) {
        for (Outcome o : REPORTED) {
            if (o.name().equalsIgnoreCase(value)) {
                return o;
            }
        }
        throw UsageRequestException.badRequest(at + ".outcome: '" + UsageDays.abbreviate(value)
                + "' is not one of " + REPORTED);
    }

    private static long count(String at, String field, Long value) {
        if (value == null) {
            return 0;
        }
        if (value < 0) {
            throw UsageRequestException.badRequest(at + "." + field + ": must not be negative");
        }
        return value;
    }
}
