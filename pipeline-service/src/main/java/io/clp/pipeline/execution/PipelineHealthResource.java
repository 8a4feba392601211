package io.clp.pipeline.execution;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** Pipeline health over HTTP; {@link PipelineHealth} reads it. */
@Path("/api/v1/organizations/{orgId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pipeline health")
public class PipelineHealthResource {

    private final PipelineHealth health;

    PipelineHealthResource(PipelineHealth health) {
        this.health = health;
    }

    @GET
    @Path("/pipeline-health")
    @Operation(summary = "The health of the organization's pipelines (last run, next run, counts, success rate), newest pipeline first, one page at a time")
    public Uni<Page<PipelineHealthView>> list(@PathParam("orgId") UUID orgId, @QueryParam("limit") Integer limit,
                                              @QueryParam("cursor") String cursor) {
        return health.list(orgId, PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/pipelines/{pipelineId}/health")
    @Operation(summary = "One pipeline's health")
    public Uni<PipelineHealthView> get(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId) {
        return health.get(orgId, pipelineId);
    }
}
