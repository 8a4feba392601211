package io.clp.campaign.internal;

import io.clp.platform.web.RequestIds;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.UUID;

/**
 * campaign-service's internal API (docs/adr/0012-internal-service-calls.md): for other CLP services, never for people
 * or API keys, and left out of the public OpenAPI document. {@code /internal/*} has its own OIDC tenant (audience
 * {@code clp-internal}); {@link InternalCallers} admits only the configured service accounts with the internal role.
 * The caller names the organization; it must be active in this service's read model, and every account and entity
 * read or written is that organization's (row-level security as well as the queries' own filters).
 */
@Path("/internal/v1/organizations/{orgId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {

    private static final CacheControl NO_STORE = noStore();

    private final InternalCallers callers;
    private final DelegatedAccessMinter minter;
    private final EntityResolutions resolutions;
    private final JsonWebToken token;
    private final RequestIds requestIds;

    InternalResource(InternalCallers callers, DelegatedAccessMinter minter, EntityResolutions resolutions,
                     JsonWebToken token, RequestIds requestIds) {
        this.callers = callers;
        this.minter = minter;
        this.resolutions = resolutions;
        this.token = token;
        this.requestIds = requestIds;
    }

    /** The answer to a page of resolutions: one result per key, in the keys' order. */
    public record Resolutions(List<ResolutionResult> results) {
    }

    @POST
    @Path("/dsp-accounts/{accountId}/delegated-access")
    @Operation(hidden = true)
    public Uni<Response> delegatedAccess(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId) {
        callers.require(token);
        return minter.mint(orgId, accountId).map(minted -> Response.ok(minted).cacheControl(NO_STORE)
                .header("Pragma", "no-cache").build());
    }

    @POST
    @Path("/entity-resolutions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Response> resolve(@PathParam("orgId") UUID orgId, @NotNull ResolutionRequest request) {
        String caller = callers.require(token);
        return resolutions.resolve(orgId, request, caller, requestIds.current())
                .map(results -> Response.ok(new Resolutions(results)).cacheControl(NO_STORE).build());
    }

    private static CacheControl noStore() {
        CacheControl cc = new CacheControl();
        cc.setNoStore(true);
        cc.setNoTransform(false);
        return cc;
    }
}
