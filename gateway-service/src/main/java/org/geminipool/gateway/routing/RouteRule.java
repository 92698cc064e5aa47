package org.geminipool.gateway.routing;

import java.util.List;

/**
 * A named route: its match conditions (all given ones must hold; none given = matches nothing but can be the default)
 * and its targets in order.
 *
 * @param longContextTokens matches when the estimated prompt tokens exceed it (null = no condition)
 * @param thinking          TRUE: matches requests asking for reasoning; FALSE: requests that do not
 * @param webSearch         as thinking, for a search tool or {@code -search} alias
 * @param image             as thinking, for image generation
 * @param header            matches when an allowed client sends {@code x-gemini-pool-route} with this value
 */
public record RouteRule(String name, List<String> keywords, String operation, List<String> models,
                        Long longContextTokens, Boolean thinking, Boolean webSearch, Boolean image, String header,
                        List<Target> targets) {

    public RouteRule(String name, List<String> keywords, String operation, List<String> models, List<Target> targets) {
        this(name, keywords, operation, models, null, null, null, null, null, targets);
    }

    public boolean hasConditions() {
        return !keywords.isEmpty() || operation != null || !models.isEmpty() || longContextTokens != null
                || thinking != null || webSearch != null || image != null || header != null;
    }

    public boolean matches(OperationKind kind, String model, String latestUserText) {
        return matches(RequestTraits.simple(kind, model, latestUserText));
    }

    public boolean matches(RequestTraits r) {
        return matches(r, false);
    }

    /** True when the rule has a condition that reads request parameters: thinking or longContext. */
    public boolean readsParameters() {
        return thinking != null || longContextTokens != null;
    }

    /**
     * As {@link #matches(RequestTraits)}; with {@code concreteModel} (the request names a Google model ID that is no
     * alias, design §5) the conditions on request parameters do not apply: a rule with {@code thinking} or
     * {@code longContext} does not match, and {@code webSearch} / {@code image} read only the model name (and the
     * images endpoint), not the request's tools or response modalities.
     */
    public boolean matches(RequestTraits r, boolean concreteModel) {
        if (!hasConditions()) {
            return false;
        }
        if (concreteModel && readsParameters()) {
            return false;
        }
        if (operation != null && !operation.equals(r.kind().yamlName())) {
            return false;
        }
        if (!models.isEmpty() && !ModelPatterns.anyMatches(models, r.model())) {
            return false;
        }
        if (header != null && !header.equals(r.routeHeader())) {
            return false;
        }
        if (longContextTokens != null && r.estimatedPromptTokens() <= longContextTokens) {
            return false;
        }
        if (thinking != null && thinking != r.thinking()) {
            return false;
        }
        if (webSearch != null && webSearch != (concreteModel ? r.webSearchByName() : r.webSearch())) {
            return false;
        }
        if (image != null && image != (concreteModel ? r.imageByName() : r.image())) {
            return false;
        }
        if (!keywords.isEmpty()) {
            String text = r.latestUserText();
            return text != null && keywords.stream().anyMatch(text::contains);
        }
        return true;
    }
}
