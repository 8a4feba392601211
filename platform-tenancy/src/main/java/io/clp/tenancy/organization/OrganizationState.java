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

    static final String STATE = "SELECT status FROM organization_refs WHERE org_id = $1";

    /** Must run in a transaction that may see the organization's rows. */
    public Uni<Void> requireWritable(UUID orgId) {
        return status(orgId).chain(status -> require(orgId, status, true));
    }

    /** Must run in a transaction that may see the organization's rows. */
    public Uni<Void> requireReadable(UUID orgId) {
        return status(orgId).chain(status -> require(orgId, status, false));
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

    /** The organization's status; empty when the read model has no row, or no status yet, for it. */
    private Uni<Optional<OrganizationStatus>> status(UUID orgId) {
        return SessionSql.rows(STATE, orgId)
                .map(rows -> rows.isEmpty() ? Optional.<OrganizationStatus>empty() : OrganizationStatus.parse((String) rows.get(0)[0]));
    }
}
