package io.clp.audit.trail;

import io.clp.platform.pagination.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The queries on the audit trail. Must run in a transaction that may see the organization's rows. */
@ApplicationScoped
public class AuditLogRepository implements PanacheRepositoryBase<AuditLog, UUID> {

    /**
     * One page of the organization's trail, newest first (keyset on created_at, id), of the rows the
     * reader may see. The visibility is part of the query, not a filter on the page, so that a page is
     * full and the cursor skips nothing.
     */
    public Uni<List<AuditLog>> page(UUID orgId, AuditLogFilter filter, AuditedTables.Visible visible, PageRequest page) {
        StringBuilder query = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (filter.resourceType() != null) {
            query.append(" and resourceType = :type");
            params.and("type", filter.resourceType());
        }
        if (filter.resourceId() != null) {
            query.append(" and resourceId = :resource");
            params.and("resource", filter.resourceId());
        }
        if (!visible.all()) {
            List<String> tables = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, Set<String>> e : visible.tables().entrySet()) {
                tables.add("(sourceService = :service" + i + " and resourceType in :tables" + i + ")");
                params.and("service" + i, e.getKey()).and("tables" + i, e.getValue());
                i++;
            }
            query.append(tables.isEmpty() ? " and 1 = 0" : " and (" + String.join(" or ", tables) + ")");
        }
        page.after().ifPresent(after -> {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.and("at", after.at()).and("id", after.id());
        });
        return find(query.append(" order by createdAt desc, id desc").toString(), params).range(0, page.limit()).list();
    }
}
