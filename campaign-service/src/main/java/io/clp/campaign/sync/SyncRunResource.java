package io.clp.campaign.sync;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** An account's sync runs over HTTP; {@link SyncRuns} decides and does the work. */
@Path("/api/v1/organizations/{orgId}/dsp-accounts/{accountId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "DSP account sync")
public class SyncRunResource {

    private final SyncRuns runs;

    SyncRunResource(SyncRuns runs) {
        this.runs = runs;
    }

    @POST
    @Path("/sync")
    @Operation(summary = "Sync the account now: 202 with the queued run, or with the account's active run when it has one")
    @APIResponse(responseCode = "202", description = "the run that syncs the account; Location is the run")
    public Uni<Response> sync(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId,
                              @QueryParam("kind") String kind, @Context UriInfo uri) {
        String chosen = kind == null ? "incremental" : kind;
        if (!chosen.equals("full") && !chosen.equals("incremental")) {
            throw Problems.validation("kind", "must be full or incremental");
        }
        return runs.request(orgId, accountId, chosen).map(run -> Response.accepted(run)
                .location(uri.getBaseUriBuilder().path("api/v1/organizations/{org}/dsp-accounts/{account}/sync-runs/{run}")
                        .build(orgId, accountId, run.id()))
                .build());
    }

    @GET
    @Path("/sync-runs")
    @Operation(summary = "The account's sync runs, newest first, one page at a time")
    public Uni<Page<SyncRunView>> list(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId,
                                       @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return runs.list(orgId, accountId, PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/sync-runs/{runId}")
    @Operation(summary = "One sync run and its progress (level, pages, counts per level, error)")
    public Uni<SyncRunView> get(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId,
                                @PathParam("runId") UUID runId) {
        return runs.get(orgId, accountId, runId);
    }
}
