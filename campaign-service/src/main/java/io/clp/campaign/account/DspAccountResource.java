package io.clp.campaign.account;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/**
 * The organization's DSP accounts over HTTP; {@link DspAccounts} decides and does the work.
 */
@Path("/api/v1/organizations/{orgId}/dsp-accounts")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "DSP accounts")
public class DspAccountResource {

    private final DspAccounts accounts;

    DspAccountResource(DspAccounts accounts) {
        this.accounts = accounts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Connect a DSP account: the DSP validates the credentials first; they are stored encrypted and never returned")
    @APIResponse(responseCode = "201", description = "connected; Location names the account")
    @APIResponse(responseCode = "409", description = "the account is already connected (dsp-account-exists) or the quota is used up")
    @APIResponse(responseCode = "422", description = "the DSP refused the credentials (dsp-credentials-rejected)")
    @APIResponse(responseCode = "503", description = "the DSP throttled or did not answer (dsp-unavailable), with Retry-After")
    public Uni<Response> connect(@PathParam("orgId") UUID orgId, @Valid @NotNull ConnectDspAccount request,
                                 @Context UriInfo uri) {
        return accounts.connect(orgId, request).map(view -> Response
                .created(uri.getAbsolutePathBuilder().path(view.id().toString()).build()).entity(view).build());
    }

    @DELETE
    @Path("/{accountId}")
    @Operation(summary = "Delete a DSP account and its credentials; its campaigns stay, no longer tied to an account")
    @APIResponse(responseCode = "204", description = "deleted")
    public Uni<Void> delete(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId) {
        return accounts.delete(orgId, accountId);
    }

    @GET
    @Operation(summary = "The organization's DSP accounts, oldest first, one page at a time")
    public Uni<Page<DspAccountView>> list(@PathParam("orgId") UUID orgId, @QueryParam("limit") Integer limit,
                                          @QueryParam("cursor") String cursor) {
        return accounts.list(orgId, PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/{accountId}")
    @Operation(summary = "One DSP account (its credentials are never returned)")
    public Uni<DspAccountView> get(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId) {
        return accounts.get(orgId, accountId);
    }

    @PATCH
    @Path("/{accountId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rename, disable (active=false stops its sync) or enable a DSP account, change its rate limit or sync interval, "
            + "or replace its credentials (validated with the DSP first) (by role, or with an edit grant on it)")
    public Uni<DspAccountView> update(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId,
                                      @Valid @NotNull UpdateDspAccount request) {
        if (request.empty()) {
            throw Problems.validation("body", "send at least one of displayName, active, rateLimit, syncIntervalMinutes, credentials");
        }
        return accounts.update(orgId, accountId, request);
    }
}
