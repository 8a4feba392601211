package io.clp.identity.membership;

/** The body of {@code PATCH /api/v1/organizations/{id}/members/{userId}}: a new role, and/or active. */
public record ChangeMembership(MemberRole role, Boolean active) {
}
