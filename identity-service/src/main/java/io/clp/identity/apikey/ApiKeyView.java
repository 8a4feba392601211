package io.clp.identity.apikey;

import io.clp.identity.model.ApiKey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An API key as the API lists it: its prefix, never its secret or hash. */
public record ApiKeyView(UUID id, String name, String prefix, List<String> scopes, UUID createdBy, Instant createdAt,
                         Instant lastUsedAt, Instant expiresAt, Instant revokedAt, boolean active) {

    static ApiKeyView of(ApiKey k, Instant now) {
        return new ApiKeyView(k.id, k.name, k.prefix, List.copyOf(k.scopes), k.userId, k.createdAt, k.lastUsedAt,
                k.expiresAt, k.revokedAt, k.usable(now));
    }
}
