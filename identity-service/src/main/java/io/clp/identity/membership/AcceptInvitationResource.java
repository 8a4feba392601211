package io.clp.identity.membership;

import io.clp.tenancy.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/invitations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Invitations")
public class AcceptInvitationResource {

    private final Invitations invitations;
    private final Caller caller;

    AcceptInvitationResource(Invitations invitations, Caller caller) {
        this.invitations = invitations;
        this.caller = caller;
    }

    @POST
    @Path("/{id}/accept")
    @Operation(summary = "Accept an invitation (the invitee)")
    public Uni<InvitationView> accept(@PathParam("id") UUID id) {
        return invitations.accept(caller, id);
    }
}
