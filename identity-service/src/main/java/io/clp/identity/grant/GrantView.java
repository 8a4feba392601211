package io.clp.identity.grant;

import io.clp.identity.model.EntityGrant;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An entity grant as the API shows it; {@code active} is false once it has expired. */
public record GrantView(UUID id, UUID userId, String entityType, UUID entityId, List<String> permissions,
                        UUID grantedBy, Instant grantedAt, Instant expiresAt, boolean active) {

    static GrantView of(EntityGrant g, Instant now) {
        return new GrantView(g.id, g.userId, g.entityType.name(), g.entityId, List.copyOf(g.permissions), g.grantedBy,
                g.grantedAt, g.expiresAt, g.live(now));
    }
}
