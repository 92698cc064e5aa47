package org.geminipool.gateway.http;

/**
 * A parsed client call: operation, API version of the path ({@code v1beta}/{@code v1}; Gemini only), the model named
 * in the path (Gemini) and, for streams, whether SSE ({@code alt=sse}) or the JSON-array form was asked.
 */
public record ApiCall(Operation operation, String apiVersion, String pathModel, boolean sse) {

    public Protocol protocol() {
        return operation.protocol();
    }

    /** True for the Gemini JSON-array stream form, whose errors Google wraps in an array. */
    public boolean arrayStream() {
        return operation == Operation.STREAM_GENERATE_CONTENT && !sse;
    }
}
