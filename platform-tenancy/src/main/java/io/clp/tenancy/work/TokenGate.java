package io.clp.tenancy.work;

import io.clp.platform.problem.Problems;
import io.clp.platform.tx.SessionSql;
import io.clp.platform.tx.Transactions;
import io.clp.tenancy.organization.OrganizationState;
import io.clp.tenancy.organization.OrganizationStatus;
import io.clp.tenancy.security.Admission;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.Set;
import java.util.UUID;

/**
 * The gate of every service that does not own memberships: the caller's roles come from the verified
 * access token (or an API key's scopes), the organization's state from the service's read model of
 * identity's organizations. A service that owns them (identity) replaces this bean with its own.
 * It denies by default: a caller the token does not make a member is told the organization does not
 * exist (404), a member whose role or key lacks the permission gets 403.
 */
@DefaultBean
@Singleton
public class TokenGate implements OrganizationGate {

    /**
     * Sets the actor's scope, as {@link Transactions} does, makes the organization's rows visible to the transaction,
     * as {@link Transactions#allowOrganization} does, and reads its status from the read model, in one statement
     * (db/platform V0_16).
     */
    static final String ENTER = "SELECT clp_enter_organization($1, $2, $3)";

    private final Caller caller;
    private final Transactions transactions;

    TokenGate(Caller caller, Transactions transactions) {
        this.caller = caller;
        this.transactions = transactions;
    }

    /** The caller's standing is read from the token, so the scope waits for {@link #enter}, which sets it. */
    @Override
    public boolean entersWithScope() {
        return true;
    }

    /** {@link #enter} is one statement, sent when subscribed ({@link SessionSql#rows}). */
    @Override
    public boolean entersAtOnce() {
        return true;
    }

    @Override
    public Uni<Admission> admit(UUID orgId, Permission permission, boolean permissionRequired) {
        return Uni.createFrom().item(() -> {
            Set<Role> roles = caller.rolesIn(orgId).orElseThrow(() -> Problems.notFound("organization", orgId));
            boolean holds = caller.holds(orgId, permission);
            if (permissionRequired && !holds) {
                throw Problems.forbidden("this action needs the permission " + permission.scope() + " in the organization");
            }
            return new Admission(orgId, caller.userId(), roles, permission, holds);
        });
    }

    /** One statement: the actor's scope set, the organization's rows made visible, and its state read from the read model. */
    @Override
    public Uni<Void> enter(UUID orgId, boolean change) {
        Transactions.Scope scope = transactions.scope();
        return SessionSql.rows(ENTER, orgId, scope.userId(), scope.kind())
                .chain(rows -> OrganizationState.require(orgId, OrganizationStatus.parse((String) rows.get(0)[0]), change));
    }
}
