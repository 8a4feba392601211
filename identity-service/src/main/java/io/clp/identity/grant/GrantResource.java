package io.clp.identity.grant;

import io.clp.identity.model.EntityType;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/grants")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Entity grants")
public class GrantResource {

    private final Grants grants;

    GrantResource(Grants grants) {
        this.grants = grants;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Grant a member view/edit/execute/delete on one entity, optionally until a time (admins); "
            + "201 for a new grant, 200 when it replaces the member's grant on that entity")
    public Uni<Response> issue(@PathParam("orgId") UUID orgId, @Valid @NotNull IssueGrant request) {
        return grants.issue(orgId, request).map(issued -> Response
                .status(issued.created() ? Response.Status.CREATED : Response.Status.OK).entity(issued.grant()).build());
    }

    @GET
    @Operation(summary = "The organization's entity grants, optionally of one user or on one entity")
    public Uni<List<GrantView>> list(@PathParam("orgId") UUID orgId, @QueryParam("userId") UUID userId,
                                     @QueryParam("entityType") String entityType,
                                     @QueryParam("entityId") UUID entityId) {
        return grants.list(orgId, userId, entityType == null ? null : EntityType.parse(entityType), entityId);
    }

    @DELETE
    @Path("/{grantId}")
    @Operation(summary = "Revoke a grant (admins); the owning service stops honouring it within seconds")
    public Uni<Response> revoke(@PathParam("orgId") UUID orgId, @PathParam("grantId") UUID grantId) {
        return grants.revoke(orgId, grantId).replaceWith(Response.noContent().build());
    }
}
