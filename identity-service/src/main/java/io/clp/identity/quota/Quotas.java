package io.clp.identity.quota;

import io.clp.identity.organization.Organization;
import io.clp.platform.problem.Problems;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/** Effective quotas of an organization (override, else plan default) and the checks against them. */
@ApplicationScoped
public class Quotas {

    public record Limit(int limit, long used, boolean overridden) {
    }

    /** The organization's limit for {@code quota}; runs in the caller's (org-scoped) transaction. */
    public Uni<Integer> limit(Organization org, Quota quota) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT " + quota.column() + " FROM tenant_quotas WHERE org_id = ?1", Integer.class)
                .setParameter(1, org.id)
                .getResultList())
                .map(rows -> rows.isEmpty() || rows.get(0) == null ? quota.defaultFor(org.plan) : rows.get(0));
    }

    /** Fails with 409 quota-exceeded, naming the quota, when {@code used} already reaches the limit. */
    public Uni<Void> requireRoom(Organization org, Quota quota, long used) {
        return limit(org, quota).chain(limit -> used < limit ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(Problems.conflict("quota-exceeded",
                "the organization's " + quota.id() + " quota (" + limit + " on plan " + org.plan + ") is used up")));
    }

    /** Every quota with its limit; usage is filled in where identity-service owns the resource. */
    public Uni<Map<Quota, Limit>> all(Organization org, Map<Quota, Long> usage) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                        SELECT max_members, max_dsp_accounts, max_pipelines, max_rules, max_api_keys
                        FROM tenant_quotas WHERE org_id = ?1""", Object[].class)
                .setParameter(1, org.id)
                .getResultList())
                .map(rows -> {
                    Object[] row = rows.isEmpty() ? new Object[Quota.values().length] : rows.get(0);
                    Map<Quota, Limit> limits = new EnumMap<>(Quota.class);
                    for (Quota q : Quota.values()) {
                        Integer override = (Integer) row[q.ordinal()];
                        limits.put(q, new Limit(override == null ? q.defaultFor(org.plan) : override,
                                usage.getOrDefault(q, -1L), override != null));
                    }
                    return limits;
                });
    }
}
