package io.clp.tenancy.security;


import java.util.Set;
import java.util.UUID;

/**
 * The caller's standing in an organization, as the {@link OrganizationGate} established it for one
 * unit of work: who acts, with which roles, and whether the permission the work asked for is held
 * through them (it may not be for work on one entity, which an entity grant can still allow).
 */
public record Admission(UUID orgId, UUID userId, Set<Role> roles, Permission permission, boolean holdsPermission) {

    public Admission {
        roles = Set.copyOf(roles);
    }
}
