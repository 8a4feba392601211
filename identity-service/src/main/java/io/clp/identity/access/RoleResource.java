package io.clp.identity.access;

import io.clp.identity.access.Roles.RoleView;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The roles and what each may do: the permission matrix, read from the tables seeded from it. */
@Path("/api/v1/roles")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Roles and permissions")
public class RoleResource {

    private final Roles roles;

    RoleResource(Roles roles) {
        this.roles = roles;
    }

    @GET
    @Operation(summary = "Every role with its permissions (resource:action)")
    public Uni<List<RoleView>> roles() {
        return roles.all();
    }
}
