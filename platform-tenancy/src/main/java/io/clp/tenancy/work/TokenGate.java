package io.clp.tenancy.work;

import io.clp.tenancy.organization.OrganizationState;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.OrgAccess;
import io.clp.tenancy.security.Permission;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The gate of every service that does not own memberships: the caller's roles come from the verified
 * access token (or an API key's scopes), the organization's state from the service's read model of
 * identity's organizations. A service that owns them (identity) replaces this bean with its own.
 */
@DefaultBean
@ApplicationScoped
public class TokenGate implements OrganizationGate {

    private final Caller caller;
    private final OrgAccess access;
    private final OrganizationState organizations;

    TokenGate(Caller caller, OrgAccess access, OrganizationState organizations) {
        this.caller = caller;
        this.access = access;
        this.organizations = organizations;
    }

    @Override
    public Uni<Admission> admit(UUID orgId, Permission permission, boolean permissionRequired) {
        return Uni.createFrom().item(() -> {
            if (permissionRequired) {
                access.require(orgId, permission);
            }
            return new Admission(orgId, caller.userId(), access.requireMember(orgId), permission,
                    caller.holds(orgId, permission));
        });
    }

    @Override
    public Uni<Void> requireState(UUID orgId, boolean change) {
        return change ? organizations.requireWritable(orgId) : organizations.requireReadable(orgId);
    }
}
