package io.clp.identity.organization;

import io.clp.tenancy.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;
import java.util.UUID;

/**
 * For the people who run a CLP installation (Keycloak realm role {@code clp-operator}), not for
 * members of organizations: read any organization, move it between trial, active and suspended,
 * change its plan, and override its quotas.
 */
@Path("/api/v1/operator/organizations/{id}")
@RolesAllowed(Organizations.OPERATOR_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operators")
public class OperatorResource {

    private final Organizations organizations;
    private final Caller caller;

    OperatorResource(Organizations organizations, Caller caller) {
        this.organizations = organizations;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Any organization that is not deleted (operators)")
    public Uni<OrganizationView> get(@PathParam("id") UUID id) {
        return organizations.getAsOperator(id).map(OrganizationView::of);
    }

    @PUT
    @Path("/quotas")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Override quotas, for example {\"dsp_accounts\": 40}; null restores the plan's default (operators). "
            + "Every service learns the new limits from the organization.quotas_changed event")
    public Uni<Response> overrideQuotas(@PathParam("id") UUID id, @NotNull Map<String, Integer> overrides) {
        return organizations.overrideQuotas(id, overrides).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move an organization to another plan: free, team or enterprise (operators)",
            description = "Plans are a billing decision: organization admins cannot choose or change theirs. The quotas "
                    + "follow the new plan's defaults, except those an operator overrode; every service learns the new plan "
                    + "from organization.updated and the new limits from organization.quotas_changed")
    public Uni<OrganizationView> changePlan(@PathParam("id") UUID id, @Valid @NotNull ChangePlan request) {
        return organizations.changePlan(caller, id, request).map(OrganizationView::of);
    }

    @PUT
    @Path("/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Suspend an organization (its members can read but not change anything) or make it active or trial again (operators)")
    public Uni<OrganizationView> changeStatus(@PathParam("id") UUID id, @Valid @NotNull ChangeStatus request) {
        return organizations.changeStatus(caller, id, request).map(OrganizationView::of);
    }
}
