package io.clp.identity.membership;

import io.clp.tenancy.security.Role;

/** The body of {@code PATCH /api/v1/organizations/{id}/members/{userId}}: a new role, and/or active. */
public record ChangeMembership(Role role, Boolean active) {
}
