package io.clp.audit.trail;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** The organization's audit trail over HTTP; {@link AuditLogs} decides what the caller sees. */
@Path("/api/v1/organizations/{orgId}/audit-logs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit log")
public class AuditLogResource {

    private final AuditLogs logs;

    AuditLogResource(AuditLogs logs) {
        this.logs = logs;
    }

    @GET
    @Operation(summary = "The organization's audit trail, newest first, one page at a time",
            description = "Only changes to resources the caller may read: a table's rows need the permission that "
                    + "reads its resource (api_key:read for auth_tokens, entity_permission:read for "
                    + "entity_permissions, ...); tables without one are shown to admins only.")
    public Uni<Page<AuditLogView>> list(@PathParam("orgId") UUID orgId,
                                        @QueryParam("resourceType") String resourceType,
                                        @QueryParam("resourceId") UUID resourceId,
                                        @QueryParam("limit") Integer limit,
                                        @QueryParam("cursor") String cursor) {
        return logs.list(orgId, new AuditLogFilter(resourceType, resourceId), PageRequest.of(limit, cursor));
    }
}
