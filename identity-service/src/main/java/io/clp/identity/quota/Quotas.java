package io.clp.identity.quota;

import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.identity.model.Organization;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.identity.model.ApiKey;
import io.clp.identity.model.Membership;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Effective quotas of an organization (override, else plan default), the checks against them, and
 * the {@link OrganizationQuotasChanged} event that gives other services the limits they enforce.
 */
@ApplicationScoped
public class Quotas {

    /** The highest limit an operator may set. */
    public static final int MAX_LIMIT = 1_000_000;

    private final Outbox outbox;
    private final OrganizationWork work;

    Quotas(Outbox outbox, OrganizationWork work) {
        this.outbox = outbox;
        this.work = work;
    }

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

    /**
     * Publishes the organization's effective limits with its version; runs in the transaction that
     * changed them, after the organization's own change (if any) is flushed.
     */
    public Uni<Void> publishLimits(Organization org) {
        return all(org, Map.of()).chain(limits -> {
            Map<String, Integer> byId = new LinkedHashMap<>();
            limits.forEach((q, l) -> byId.put(q.id(), l.limit()));
            return outbox.publish(new OrganizationQuotasChanged(org.id, org.slug, org.plan.name(), byId,
                    Instant.now().truncatedTo(ChronoUnit.MICROS), org.version));
        }).replaceWithVoid();
    }

    /**
     * Sets (a number) or removes (null) the organization's overrides of the named quotas, then
     * publishes the new limits. Runs in the caller's transaction.
     */
    public Uni<Void> override(Organization org, Map<String, Integer> overrides) {
        Map<Quota, Integer> changes = new EnumMap<>(Quota.class);
        overrides.forEach((id, limit) -> {
            Quota quota = Quota.parse(id).orElseThrow(() -> Problems.validation(id, "is not a quota; the quotas are "
                    + Arrays.stream(Quota.values()).map(Quota::id).toList()));
            if (limit != null && (limit < 0 || limit > MAX_LIMIT)) {
                throw Problems.validation(id, "must be between 0 and " + MAX_LIMIT + ", or null for the plan's default");
            }
            changes.put(quota, limit);
        });
        if (changes.isEmpty()) {
            throw Problems.validation("quotas", "name at least one quota");
        }
        StringBuilder columns = new StringBuilder("org_id");
        StringBuilder values = new StringBuilder("?1");
        StringBuilder updates = new StringBuilder();
        int i = 2;
        for (Quota quota : changes.keySet()) {
            columns.append(", ").append(quota.column());
            values.append(", ?").append(i);
            updates.append(updates.isEmpty() ? "" : ", ").append(quota.column()).append(" = excluded.").append(quota.column());
            i++;
        }
        String sql = "INSERT INTO tenant_quotas (" + columns + ") VALUES (" + values + ") ON CONFLICT (org_id) DO UPDATE SET " + updates;
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql).setParameter(1, org.id);
            int position = 2;
            for (Integer limit : changes.values()) {
                query.setParameter(position++, limit);
            }
            return query.executeUpdate();
        }).chain(() -> publishLimits(org));
    }

    /** The organization's quotas with their usage, for a member allowed to read them. */
    public Uni<Map<String, QuotaView>> view(UUID orgId) {
        return work.run(orgId, Permission.QUOTA_READ, () -> Organization.<Organization>findById(orgId)
                .chain(org -> Membership.seatsTaken(orgId)
                        .chain(members -> ApiKey.countUsable(orgId)
                                .chain(keys -> all(org, Map.of(Quota.MEMBERS, members, Quota.API_KEYS, keys))))))
                .map(limits -> {
                    Map<String, QuotaView> view = new LinkedHashMap<>();
                    limits.forEach((q, l) -> view.put(q.id(), new QuotaView(l.limit(), l.used(), l.overridden())));
                    return view;
                });
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
