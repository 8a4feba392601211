package io.clp.identity.membership;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/members")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Members")
public class MemberResource {

    private final Memberships memberships;

    MemberResource(Memberships memberships) {
        this.memberships = memberships;
    }

    @GET
    @Operation(summary = "The organization's members with their roles")
    public Uni<List<MemberView>> list(@PathParam("orgId") UUID orgId) {
        return memberships.list(orgId);
    }

    @PATCH
    @Path("/{userId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a member's role or deactivate/reactivate them (admins); the last admin stays")
    public Uni<MemberView> change(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId,
                                  @Valid @NotNull ChangeMembership request) {
        return memberships.change(orgId, userId, request);
    }

    @DELETE
    @Path("/{userId}")
    @Operation(summary = "Remove a member (admins); the last admin stays")
    public Uni<Response> remove(@PathParam("orgId") UUID orgId, @PathParam("userId") UUID userId) {
        return memberships.remove(orgId, userId).replaceWith(Response.noContent().build());
    }
}
