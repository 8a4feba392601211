package io.clp.identity.apikey;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/api-keys")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class ApiKeyResource {

    private final ApiKeys keys;

    ApiKeyResource(ApiKeys keys) {
        this.keys = keys;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key with scopes you hold and an expiry; the key is shown in this answer only. "
            + "Use it as 'Authorization: Bearer clp_<prefix>_<secret>' against any CLP service")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull CreateApiKey request) {
        return keys.create(orgId, request).map(created -> Response.status(Response.Status.CREATED)
                .header("Cache-Control", "no-store").entity(created).build());
    }

    @GET
    @Operation(summary = "The organization's API keys: prefix, name, scopes, creator, created, last used, expiry, state")
    public Uni<List<ApiKeyView>> list(@PathParam("orgId") UUID orgId) {
        return keys.list(orgId);
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke a key (admins: any key; developers: their own); every service refuses it within a minute")
    public Uni<Response> revoke(@PathParam("orgId") UUID orgId, @PathParam("keyId") UUID keyId) {
        return keys.revoke(orgId, keyId).replaceWith(Response.noContent().build());
    }
}
