package io.clp.tenancy.work;

import io.clp.platform.tx.Transactions;
import io.clp.tenancy.security.Admission;
import io.clp.tenancy.security.Permission;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * How a service establishes, inside a unit of work's transaction, the caller's standing in an
 * organization, and enters the organization (its rows made visible, its state checked). {@link OrganizationWork} calls it in a fixed order;
 * services other than identity use {@link TokenGate} (roles from the access token, state from the
 * organization read model). identity-service, which owns memberships and organizations, supplies its
 * own gate that reads them from its tables.
 */
public interface OrganizationGate {

    /**
     * The caller's standing, before the organization's rows are visible to the transaction. Fails with
     * 404 for a caller who is not a member (the organization's existence is not revealed), and, when
     * {@code permissionRequired}, with 403 for a member who does not hold {@code permission}. A gate
     * that knows the organization is gone may also answer 404 here. For a change, a gate may lock what
     * it reads so that the work runs after, not beside, a concurrent change to the organization.
     */
    Uni<Admission> admit(UUID orgId, Permission permission, boolean permissionRequired);

    /**
     * Makes the organization's rows visible to the transaction ({@link io.clp.platform.tx.Transactions#allowOrganization})
     * and requires the organization's state to allow the work, once the caller is admitted: 404 for an organization
     * deleted or unknown, 409 {@code organization-suspended} for a change to a suspended one.
     */
    Uni<Void> enter(UUID orgId, boolean change);

    /**
     * Whether {@link #enter} also sets the transaction's scope ({@link Transactions#scopedByWork}), in the same round
     * trip: only a gate whose {@link #admit} reads nothing from the database may, since nothing is visible before.
     */
    default boolean entersWithScope() {
        return false;
    }

    /**
     * Whether {@link #enter} sends its one statement as soon as it is subscribed, and nothing after it: then a read's first
     * statement may go out behind it on the connection without waiting for its reply ({@link OrganizationWork#read}),
     * since PostgreSQL runs them in the order sent.
     */
    default boolean entersAtOnce() {
        return false;
    }
}
