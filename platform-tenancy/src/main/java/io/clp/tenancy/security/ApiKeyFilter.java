package io.clp.tenancy.security;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets an API key stand where a bearer token stands: a request carrying
 * {@code Authorization: Bearer clp_<prefix>_<secret>} has the key exchanged for the key's access
 * token (see {@link ApiKeyExchange}) before authentication, which then verifies that token like any
 * other (signature, issuer, audience, expiry). Nothing else about the request changes.
 */
public class ApiKeyFilter {

    @Inject
    ApiKeyExchange exchange;

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Uni<Void> exchangeApiKey(RoutingContext routing) {
        return ApiKeyCredential.fromAuthorization(routing.request().getHeader(HttpHeaders.AUTHORIZATION))
                .map(key -> exchange.accessToken(key)
                        .invoke(token -> routing.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                        .replaceWithVoid())
                .orElseGet(() -> Uni.createFrom().voidItem());
    }
}
