package org.geminipool.gateway.http;

/** The wire protocol of a client route: errors are answered in it (design §2). */
public enum Protocol {
    GEMINI, OPENAI
}
