package io.clp.audit.trail;

import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.OrgAccess;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.organization.OrganizationState;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/audit-logs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit log")
public class AuditLogResource {

    @Inject
    OrgAccess access;

    @Inject
    Caller caller;

    @Inject
    Transactions transactions;

    @Inject
    OrganizationState organizations;

    @GET
    @WithSession
    @Operation(summary = "The organization's audit trail, newest first, one page at a time",
            description = "Only changes to resources the caller may read: a table's rows need the permission that "
                    + "reads its resource (api_key:read for auth_tokens, entity_permission:read for "
                    + "entity_permissions, ...); tables without one are shown to admins only.")
    public Uni<Page<AuditLogView>> list(@PathParam("orgId") UUID orgId,
                                        @QueryParam("resourceType") String resourceType,
                                        @QueryParam("resourceId") UUID resourceId,
                                        @QueryParam("limit") Integer limit,
                                        @QueryParam("cursor") String cursor) {
        access.require(orgId, Permission.AUDIT_LOG_READ);
        PageRequest page = PageRequest.of(limit, cursor);
        StringBuilder query = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (resourceType != null) {
            query.append(" and resourceType = :type");
            params.and("type", resourceType);
        }
        if (resourceId != null) {
            query.append(" and resourceId = :resource");
            params.and("resource", resourceId);
        }
        if (!caller.rolesIn(orgId).orElse(Set.of()).contains(Role.ADMIN)) {
            // in the query, not on the page, so that a page is full and the cursor skips nothing
            Map<String, Set<String>> readable = AuditedTables.readable(p -> caller.holds(orgId, p));
            List<String> visible = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, Set<String>> e : readable.entrySet()) {
                visible.add("(sourceService = :service" + i + " and resourceType in :tables" + i + ")");
                params.and("service" + i, e.getKey()).and("tables" + i, e.getValue());
                i++;
            }
            query.append(visible.isEmpty() ? " and 1 = 0" : " and (" + String.join(" or ", visible) + ")");
        }
        if (page.after().isPresent()) {
            Cursor after = page.after().get();
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.and("at", after.at()).and("id", after.id());
        }
        query.append(" order by createdAt desc, id desc");
        return transactions.scoped(() -> transactions.allowOrganization(orgId)
                .chain(() -> organizations.requireReadable(orgId))
                .chain(() -> AuditLog.<AuditLog>find(query.toString(), params).range(0, page.limit()).list()))
                .map(rows -> Page.of(rows, page.limit(), r -> new Cursor(r.createdAt, r.id), AuditLogView::of));
    }
}
