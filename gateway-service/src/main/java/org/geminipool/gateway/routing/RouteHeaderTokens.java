package org.geminipool.gateway.routing;

import org.geminipool.gateway.http.ClientAuth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import java.util.Arrays;
import java.util.List;

/**
 * Which client tokens may pick a route by name with the {@code x-gemini-pool-route} request header
 * (GEMINI_POOL_ROUTE_HEADER_TOKENS: {@code *} = every client token, {@code none} = nobody, else a comma-separated
 * list of client tokens). The header of any other token is ignored: the request is routed as if it had none.
 */
@ApplicationScoped
public class RouteHeaderTokens {

    private static final Logger LOG = Logger.getLogger(RouteHeaderTokens.class);

    @Inject
    GatewayConfig config;

    @Inject
    ClientAuth auth;

    private volatile Allowed allowed;

    private record Allowed(boolean everyone, List<String> tokenIds) {
    }

    /** The header value when the client (by token id) may use it; null when absent or not allowed. */
    public String allowed(String clientTokenId, String headerValue) {
        if (headerValue == null || headerValue.isBlank() || clientTokenId == null) {
            return null;
        }
        Allowed a = allowed();
        if (a.everyone() || a.tokenIds().contains(clientTokenId)) {
            return headerValue.trim();
        }
        return null;
    }

    private Allowed allowed() {
        Allowed a = allowed;
        if (a == null) {
            String setting = config.routeHeaderTokens().trim();
            if (setting.equals("*")) {
                a = new Allowed(true, List.of());
            } else if (setting.equalsIgnoreCase("none")) {
                a = new Allowed(false, List.of());
            } else {
                List<String> tokens = Arrays.stream(setting.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                        .toList();
                for (String t : tokens) {
                    if (!auth.accepts(t)) {
                        LOG.warnf("GEMINI_POOL_ROUTE_HEADER_TOKENS names a token (id %s) that is not a client token",
                                ClientAuth.tokenId(t));
                    }
                }
                a = new Allowed(false, tokens.stream().map(ClientAuth::tokenId).toList());
            }
            allowed = a;
        }
        return a;
    }
}
