package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An API key was created: it acts for {@code userId} in its organization within {@code scopes}
 * until {@code expiresAt}. {@code publicJwk} is the public half of the key (the secret never leaves
 * its creator); identity-service registers it in Keycloak on the client {@code clientId}.
 */
public record ApiKeyCreated(
        UUID id,
        UUID organizationId,
        UUID userId,
        String name,
        String prefix,
        String clientId,
        List<String> scopes,
        Instant expiresAt,
        Map<String, Object> publicJwk,
        Instant createdAt) implements ApiKeyEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.API_KEY, "created", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
