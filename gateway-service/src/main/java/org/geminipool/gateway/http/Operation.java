package org.geminipool.gateway.http;

import org.geminipool.gateway.routing.OperationKind;

/** Every client call the gateway serves. */
public enum Operation {
    LIST_MODELS(Protocol.GEMINI, OperationKind.MODELS),
    GET_MODEL(Protocol.GEMINI, OperationKind.MODELS),
    GENERATE_CONTENT(Protocol.GEMINI, OperationKind.GENERATE),
    STREAM_GENERATE_CONTENT(Protocol.GEMINI, OperationKind.GENERATE),
    COUNT_TOKENS(Protocol.GEMINI, OperationKind.COUNT_TOKENS),
    EMBED_CONTENT(Protocol.GEMINI, OperationKind.EMBED),
    BATCH_EMBED_CONTENTS(Protocol.GEMINI, OperationKind.EMBED),
    OPENAI_LIST_MODELS(Protocol.OPENAI, OperationKind.MODELS),
    OPENAI_GET_MODEL(Protocol.OPENAI, OperationKind.MODELS),
    CHAT_COMPLETIONS(Protocol.OPENAI, OperationKind.GENERATE),
    EMBEDDINGS(Protocol.OPENAI, OperationKind.EMBED),
    /** OpenAI {@code POST /v1/images/generations}: forwarded to Google's OpenAI-compatible images endpoint. */
    IMAGE_GENERATIONS(Protocol.OPENAI, OperationKind.GENERATE),
    /** OpenAI Responses {@code POST /v1/responses}: translated onto generateContent (translate.responses). */
    RESPONSES(Protocol.OPENAI, OperationKind.GENERATE),
    /** {@code GET /v1/responses/{id}}: a stored response, answered from usage-service's store (no lease). */
    GET_RESPONSE(Protocol.OPENAI, OperationKind.GENERATE),
    /** Anthropic {@code POST /v1/messages}: translated onto generateContent (translate.anthropic). */
    MESSAGES(Protocol.ANTHROPIC, OperationKind.GENERATE),
    /** Anthropic {@code POST /v1/messages/count_tokens}: translated onto countTokens. */
    MESSAGES_COUNT_TOKENS(Protocol.ANTHROPIC, OperationKind.COUNT_TOKENS);

    private final Protocol protocol;
    private final OperationKind kind;

    Operation(Protocol protocol, OperationKind kind) {
        this.protocol = protocol;
        this.kind = kind;
    }

    public Protocol protocol() {
        return protocol;
    }

    public OperationKind kind() {
        return kind;
    }

    /** Calls that cost no generation quota: leased with quotaFree (no reservation, nothing to settle). */
    public boolean quotaFree() {
        return kind == OperationKind.MODELS || this == COUNT_TOKENS || this == MESSAGES_COUNT_TOKENS;
    }

    public boolean models() {
        return kind == OperationKind.MODELS;
    }

    /** OpenRouter speaks OpenAI chat only; other operations skip OpenRouter targets (the doors go via ChatBridge). */
    public boolean openRouterCapable() {
        return this == CHAT_COMPLETIONS || this == RESPONSES || this == MESSAGES;
    }

    /** The front doors whose requests are translated onto Gemini (attempt.Door). */
    public boolean door() {
        return this == RESPONSES || this == MESSAGES || this == MESSAGES_COUNT_TOKENS;
    }

    /** The Gemini method name in {@code models/{model}:{method}}. */
    public String geminiMethod() {
        return switch (this) {
            case GENERATE_CONTENT -> "generateContent";
            case STREAM_GENERATE_CONTENT -> "streamGenerateContent";
            case COUNT_TOKENS, MESSAGES_COUNT_TOKENS -> "countTokens";
            case RESPONSES, MESSAGES -> "generateContent";
            case EMBED_CONTENT -> "embedContent";
            case BATCH_EMBED_CONTENTS -> "batchEmbedContents";
            default -> null;
        };
    }

    public static Operation ofGeminiMethod(String method) {
        return switch (method) {
            case "generateContent" -> GENERATE_CONTENT;
            case "streamGenerateContent" -> STREAM_GENERATE_CONTENT;
            case "countTokens" -> COUNT_TOKENS;
            case "embedContent" -> EMBED_CONTENT;
            case "batchEmbedContents" -> BATCH_EMBED_CONTENTS;
            default -> null;
        };
    }
}
