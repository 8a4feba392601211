package io.clp.identity.organization;

import io.clp.tenancy.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/organizations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Organizations")
public class OrganizationResource {

    private final Organizations organizations;
    private final Caller caller;

    OrganizationResource(Organizations organizations, Caller caller) {
        this.organizations = organizations;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an organization; the caller becomes its admin",
            description = "A new organization starts on the free plan; a body naming a plan is refused (400, field plan): "
                    + "only operators change plans (PUT /api/v1/operator/organizations/{id}/plan)")
    public Uni<Response> create(@Valid @NotNull CreateOrganization request, UriInfo uri) {
        return organizations.create(caller, request).map(org -> Response
                .created(uri.getAbsolutePathBuilder().path(org.id.toString()).build())
                .entity(OrganizationView.of(org))
                .build());
    }

    @GET
    @Operation(summary = "The organizations the caller belongs to")
    public Uni<List<OrganizationView>> mine() {
        return organizations.mine(caller).map(list -> list.stream().map(OrganizationView::of).toList());
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change an organization's profile (admins); the slug is immutable",
            description = "Only the fields present change. slug (immutable) and plan (operators only) are refused with a 400 "
                    + "naming the field. The change waits for, and then applies on top of, any concurrent change of the "
                    + "organization: a suspension that committed first makes it 409 organization-suspended, a deletion 404")
    public Uni<OrganizationView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateOrganization request) {
        return organizations.update(id, request).map(OrganizationView::of);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete an organization (admins): its data becomes unreachable and its API keys are revoked")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return organizations.delete(id).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One organization the caller belongs to")
    public Uni<OrganizationView> get(@PathParam("id") UUID id) {
        return organizations.get(id).map(OrganizationView::of);
    }
}
