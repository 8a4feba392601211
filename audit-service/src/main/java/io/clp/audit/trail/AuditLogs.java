package io.clp.audit.trail;

import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The organization's audit trail as its members read it: a member with {@code audit_log:read} sees
 * the changes to the tables whose resources they may read ({@link AuditedTables}). Runs as an
 * {@link OrganizationWork}.
 */
@ApplicationScoped
public class AuditLogs {

    private final OrganizationWork work;
    private final AuditLogRepository logs;
    private final Caller caller;

    AuditLogs(OrganizationWork work, AuditLogRepository logs, Caller caller) {
        this.work = work;
        this.logs = logs;
        this.caller = caller;
    }

    public Uni<Page<AuditLogView>> list(UUID orgId, AuditLogFilter filter, PageRequest page) {
        return work.run(orgId, Permission.AUDIT_LOG_READ, admission -> logs.page(orgId, filter,
                        // an API key's scopes, unlike a role, are not in the admission: the caller answers for both
                        AuditedTables.visibleTo(admission.roles(), permission -> caller.holds(orgId, permission)), page))
                .map(rows -> Page.of(rows, page.limit(), r -> new Cursor(r.createdAt, r.id), AuditLogView::of));
    }
}
