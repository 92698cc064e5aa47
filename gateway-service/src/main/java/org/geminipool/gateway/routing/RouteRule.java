package org.geminipool.gateway.routing;

import java.util.List;

/**
 * A named route: its match conditions (all given ones must hold; none given = matches nothing but can be the default)
 * and its targets in order.
 */
public record RouteRule(String name, List<String> keywords, String operation, List<String> models, List<Target> targets) {

    public boolean hasConditions() {
        return !keywords.isEmpty() || operation != null || !models.isEmpty();
    }

    public boolean matches(OperationKind kind, String model, String latestUserText) {
        if (!hasConditions()) {
            return false;
        }
        if (operation != null && !operation.equals(kind.yamlName())) {
            return false;
        }
        if (!models.isEmpty() && (model == null || !models.contains(model))) {
            return false;
        }
        if (!keywords.isEmpty()) {
            if (latestUserText == null) {
                return false;
            }
            return keywords.stream().anyMatch(latestUserText::contains);
        }
        return true;
    }
}
