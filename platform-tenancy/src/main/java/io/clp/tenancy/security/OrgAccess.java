package io.clp.tenancy.security;

import io.clp.platform.problem.Problems;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

/**
 * The organization-scoped check every resource makes before it touches org data. It denies by
 * default: a caller who is not a member of the organization gets 404 (the organization's existence
 * is not revealed); a member whose role is not among the allowed ones gets 403.
 */
@RequestScoped
public class OrgAccess {

    @Inject
    Caller caller;

    public Set<Role> requireMember(UUID orgId) {
        return caller.rolesIn(orgId).orElseThrow(() -> Problems.notFound("organization", orgId));
    }

    /**
     * The caller must hold {@code permission} in the organization: a non-member gets 404, a member
     * whose role (or API key) lacks it 403.
     */
    public void require(UUID orgId, Permission permission) {
        requireMember(orgId);
        if (!caller.holds(orgId, permission)) {
            throw Problems.forbidden("this action needs the permission " + permission.scope() + " in the organization");
        }
    }

    public Role requireRole(UUID orgId, Role... allowed) {
        Set<Role> held = requireMember(orgId);
        for (Role role : allowed) {
            if (held.contains(role)) {
                return role;
            }
        }
        throw Problems.forbidden("this action needs one of the roles " + Arrays.toString(allowed)
                + " in the organization");
    }
}
