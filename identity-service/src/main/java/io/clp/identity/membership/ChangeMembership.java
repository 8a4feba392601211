package io.clp.identity.membership;

import io.clp.identity.model.MemberRole;

/** The body of {@code PATCH /api/v1/organizations/{id}/members/{userId}}: a new role, and/or active. */
public record ChangeMembership(MemberRole role, Boolean active) {
}
