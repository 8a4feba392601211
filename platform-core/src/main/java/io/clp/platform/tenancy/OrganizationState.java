package io.clp.platform.tenancy;

import io.clp.platform.problem.Problems;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * What a service knows of an organization's state from its {@code organization_refs} read model: a
 * deleted organization's data is unreachable (404), a suspended one can be read but not changed
 * (409 {@code organization-suspended}). Its quotas are enforced by the tables' quota triggers
 * (db/platform/V0_5). An organization the read model has not heard of yet is a new one, and is
 * treated as active.
 */
@ApplicationScoped
public class OrganizationState {

    static final String STATE = "SELECT status FROM organization_refs WHERE org_id = ?1";

    /** Must run in a transaction that may see the organization's rows. */
    public Uni<Void> requireWritable(UUID orgId) {
        return status(orgId).chain(status -> {
            if ("deleted".equals(status)) {
                return Uni.createFrom().failure(Problems.notFound("organization", orgId));
            }
            if ("suspended".equals(status)) {
                return Uni.createFrom().failure(Problems.conflict("organization-suspended",
                        "the organization is suspended: its data can be read but not changed"));
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** Must run in a transaction that may see the organization's rows. */
    public Uni<Void> requireReadable(UUID orgId) {
        return status(orgId).chain(status -> "deleted".equals(status)
                ? Uni.createFrom().failure(Problems.notFound("organization", orgId)) : Uni.createFrom().voidItem());
    }

    private Uni<String> status(UUID orgId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(STATE, String.class)
                .setParameter(1, orgId).getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }
}
