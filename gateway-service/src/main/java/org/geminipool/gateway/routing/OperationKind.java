package org.geminipool.gateway.routing;

/** What a rule's {@code match.operation} can name. */
public enum OperationKind {
    GENERATE("generate"), EMBED("embed"), COUNT_TOKENS("count"), MODELS("models");

    private final String yamlName;

    OperationKind(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }
}
