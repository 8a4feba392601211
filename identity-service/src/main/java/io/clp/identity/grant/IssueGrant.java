package io.clp.identity.grant;

import io.clp.identity.model.EntityType;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/organizations/{orgId}/grants}: what {@code userId} (an active
 * member) may do on one entity, optionally until {@code expiresAt}. Granting again on the same
 * entity replaces the earlier grant.
 */
public record IssueGrant(
        @NotNull UUID userId,
        @NotNull EntityType entityType,
        @NotNull UUID entityId,
        @NotEmpty @Size(max = 4) List<@NotNull @Pattern(regexp = "view|edit|execute|delete",
                message = "must be one of view, edit, execute, delete") String> permissions,
        @Future Instant expiresAt) {
}
