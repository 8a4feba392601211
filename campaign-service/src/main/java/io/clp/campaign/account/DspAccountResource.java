package io.clp.campaign.account;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
    @Operation(summary = "Rename, deactivate or reactivate a DSP account (by role, or with an edit grant on it)")
    public Uni<DspAccountView> update(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId,
                                      @Valid @NotNull UpdateDspAccount request) {
        if (request.displayName() == null && request.active() == null) {
            throw Problems.validation("displayName", "send displayName, active, or both");
        }
        return accounts.update(orgId, accountId, request);
    }
}
