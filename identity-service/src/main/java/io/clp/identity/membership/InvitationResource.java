package io.clp.identity.membership;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/invitations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Invitations")
public class InvitationResource {

    private final Invitations invitations;

    InvitationResource(Invitations invitations) {
        this.invitations = invitations;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Invite someone by e-mail with a role (admins)")
    public Uni<Response> invite(@PathParam("orgId") UUID orgId, @Valid @NotNull Invite request) {
        return invitations.invite(orgId, request)
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }
}
