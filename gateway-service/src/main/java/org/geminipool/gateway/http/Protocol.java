package org.geminipool.gateway.http;

/** The wire protocol of a client route: errors are answered in it (design §2). */
public enum Protocol {
    GEMINI, OPENAI,
    /** Anthropic Messages ({@code /v1/messages}): errors as {@code {"type":"error","error":{"type","message"}}}. */
    ANTHROPIC
}
