package io.clp.tenancy.organization;

import io.clp.platform.problem.Problems;
import io.smallrye.mutiny.Uni;

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
public final class OrganizationState {

    private OrganizationState() {
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
