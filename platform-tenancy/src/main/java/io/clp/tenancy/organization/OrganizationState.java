package io.clp.tenancy.organization;

import io.clp.platform.problem.Problems;
import io.clp.platform.tx.SessionSql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/**
 * What a service knows of an organization's state from its {@code organization_refs} read model: a
 * deleted organization's data is unreachable (404), a suspended one can be read but not changed
 * (409 {@code organization-suspended}). Its quotas are enforced by the tables' quota triggers
 * (db/platform/V0_5, V0_9). Fails closed: an organization the read model does not know is not found
 * (404), like a deleted one, and so is a status this release cannot read. The read model learns every
 * organization from identity's compacted {@code clp.state.organization} topic (see
 * {@link OrganizationRefs}), so an organization is unknown only for the moment between its creation
 * and its state's arrival (about a second), or if it does not exist.
 */
@ApplicationScoped
public class OrganizationState {

    /** Makes the organization's rows visible to the transaction and reads its status, in one statement (db/platform V0_14). */
    static final String ENTER = "SELECT clp_enter_organization($1)";

    /**
     * Makes the organization's rows visible to the transaction, as {@code Transactions.allowOrganization} does, and
     * requires its state to allow the work ({@link #require}), in one statement. Call it once the caller's right to the
     * organization is established.
     */
    public Uni<Void> enter(UUID orgId, boolean change) {
        return SessionSql.rows(ENTER, orgId)
                .chain(rows -> require(orgId, OrganizationStatus.parse((String) rows.get(0)[0]), change));
    }

    /**
     * The answer for an organization in {@code status} (empty: unknown): 404 unless readable, and for a
     * change 409 unless writable.
     */
    public static Uni<Void> require(UUID orgId, Optional<OrganizationStatus> status, boolean change) {
        if (status.isEmpty() || !status.get().readable()) {
            return Uni.createFrom().failure(Problems.notFound("organization", orgId));
        }
        if (change && !status.get().writable()) {
            return Uni.createFrom().failure(Problems.conflict("organization-suspended",
                    "the organization is suspended: its data can be read but not changed"));
        }
        return Uni.createFrom().voidItem();
    }
}
