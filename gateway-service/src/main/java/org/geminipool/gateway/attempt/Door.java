package org.geminipool.gateway.attempt;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * A front door whose protocol Google does not speak (OpenAI Responses, Anthropic Messages): the exchange carries the
 * request already translated into a Gemini GenerateContentRequest, goes through the same attempt loop as every other
 * request, and the door turns Google's answer back into its protocol. Errors are answered in the call's
 * {@link org.geminipool.gateway.http.Protocol}.
 */
public interface Door {

    /** The door's name in usage events: {@code responses} or {@code messages}. */
    String name();

    /** Streamed upstream call ({@code streamGenerateContent?alt=sse}). */
    boolean stream();

    /** Writes the client's answer for a whole 2xx Gemini answer (it may first store it). */
    void answer(Exchange ex, Buffer geminiBody);

    /** A translation of one streamed answer. */
    DoorStream openStream(Exchange ex);

    interface DoorStream {

        /** The client's bytes for these upstream bytes (possibly none yet). */
        Buffer feed(Buffer upstream);

        /** The closing events, once whatever the door keeps (a stored response) is kept. */
        Future<Buffer> end();

        /** An error event ending the stream. */
        Buffer error(int status, String message);
    }
}
