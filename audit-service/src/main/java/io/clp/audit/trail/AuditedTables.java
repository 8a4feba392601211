package io.clp.audit.trail;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static io.clp.tenancy.security.Permission.API_KEY_READ;
import static io.clp.tenancy.security.Permission.CAMPAIGN_READ;
import static io.clp.tenancy.security.Permission.DSP_ACCOUNT_READ;
import static io.clp.tenancy.security.Permission.ENTITY_PERMISSION_READ;
import static io.clp.tenancy.security.Permission.MEMBER_READ;
import static io.clp.tenancy.security.Permission.METRICS_READ;
import static io.clp.tenancy.security.Permission.NOTIFICATION_READ;
import static io.clp.tenancy.security.Permission.ORGANIZATION_READ;
import static io.clp.tenancy.security.Permission.PIPELINE_READ;
import static io.clp.tenancy.security.Permission.QUOTA_READ;
import static io.clp.tenancy.security.Permission.RULE_READ;
import static io.clp.tenancy.security.Permission.TEMPLATE_READ;

/**
 * Which audited tables' rows a reader of the trail may see. An audit entry carries the row's old and
 * new values, so it is shown only to a reader who may read that resource through the owning service's
 * API: an analyst, who cannot list API keys or grants, does not see their rows in the trail either.
 * A table missing here is shown to the organization's admins only, so a new table is never exposed
 * by omission.
 */
final class AuditedTables {

    /** Source service (schema), then table, to the permission that reads the table's resource. */
    static final Map<String, Map<String, Permission>> READ_PERMISSION = Map.of(
            "identity", Map.of(
                    "organizations", ORGANIZATION_READ,
                    "org_memberships", MEMBER_READ,
                    "auth_tokens", API_KEY_READ,
                    "entity_permissions", ENTITY_PERMISSION_READ,
                    "tenant_quotas", QUOTA_READ),
            "campaign", Map.of(
                    "dsp_accounts", DSP_ACCOUNT_READ,
                    "campaigns", CAMPAIGN_READ,
                    "campaign_metrics", METRICS_READ),
            "pipeline", Map.of(
                    "templates", TEMPLATE_READ,
                    "pipelines", PIPELINE_READ,
                    "etl_executions", PIPELINE_READ,
                    "data_quality_metrics", PIPELINE_READ,
                    "ingestion_rejects", PIPELINE_READ,
                    "gold_daily_metrics", PIPELINE_READ,
                    "dsp_account_refs", DSP_ACCOUNT_READ),
            "rules", Map.of(
                    "rules", RULE_READ),
            "notification", Map.of(
                    "notifications", NOTIFICATION_READ));

    /**
     * Tables mapped above that the connector no longer captures (docs/audit-policy.md): bulk metric
     * loads (and the data path's rejects and gold), audited as their execution, and a read model. Their earlier entries stay readable
     * under the same permission.
     */
    static final Set<String> NO_LONGER_CAPTURED = Set.of(
            "campaign.campaign_metrics", "pipeline.data_quality_metrics", "pipeline.dsp_account_refs",
            "pipeline.ingestion_rejects", "pipeline.gold_daily_metrics");

    private AuditedTables() {
    }

    /** The audited tables a reader may see: every one ({@code all}), or those listed by source service. */
    record Visible(boolean all, Map<String, Set<String>> tables) {

        static final Visible ALL = new Visible(true, Map.of());
    }

    /**
     * What a reader with {@code roles} in the organization, holding the permissions {@code holds}
     * accepts, may see: an admin every table, anyone else (an API key too) the tables whose resource
     * they may read.
     */
    static Visible visibleTo(Set<Role> roles, Predicate<Permission> holds) {
        return roles.contains(Role.ADMIN) ? Visible.ALL : new Visible(false, readable(holds));
    }

    /** The tables, by source service, whose rows a reader holding {@code holds} may see (admins aside). */
    static Map<String, Set<String>> readable(Predicate<Permission> holds) {
        Map<String, Set<String>> readable = new TreeMap<>();
        READ_PERMISSION.forEach((service, tables) -> tables.forEach((table, permission) -> {
            if (holds.test(permission)) {
                readable.computeIfAbsent(service, s -> new TreeSet<>()).add(table);
            }
        }));
        return readable;
    }
}
