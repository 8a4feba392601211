package io.clp.pipeline.pipeline;

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
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Set;
import java.util.UUID;

/** The organization's pipelines over HTTP; {@link Pipelines} decides and does the work. */
@Path("/api/v1/organizations/{orgId}/pipelines")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pipelines")
public class PipelineResource {

    private static final Set<String> STATUSES = Set.of("draft", "active", "paused", "failed");

    private final Pipelines pipelines;

    PipelineResource(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a pipeline from a template (templateId, params) or bare (connectorType, config), with its schedule, "
            + "look-back and retry; an active, scheduled pipeline gets its first nextRunAt")
    @APIResponse(responseCode = "201", description = "created; Location names the pipeline")
    @APIResponse(responseCode = "409", description = "the organization already has a pipeline of this name (pipeline-name-taken), "
            + "or its pipelines quota is used up")
    @APIResponse(responseCode = "422", description = "params the template's input schema refuses, an unusable template, DSP account "
            + "or schedule (unprocessable), each error naming its field")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull CreatePipeline request, @Context UriInfo uri) {
        return pipelines.create(orgId, request).map(view -> Response
                .created(uri.getAbsolutePathBuilder().path(view.id().toString()).build()).entity(view).build());
    }

    @GET
    @Operation(summary = "The organization's pipelines, oldest first, one page at a time; filter by status, dspAccountId, templateId")
    public Uni<Page<PipelineView>> list(@PathParam("orgId") UUID orgId, @QueryParam("status") String status,
                                        @QueryParam("dspAccountId") UUID dspAccountId, @QueryParam("templateId") UUID templateId,
                                        @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        if (status != null && !STATUSES.contains(status)) {
            throw Problems.validation("status", "must be one of draft, active, paused, failed");
        }
        return pipelines.list(orgId, new PipelineRepository.Filter(status, dspAccountId, templateId), PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/{pipelineId}")
    @Operation(summary = "One pipeline (by role, or with a view grant on it)")
    public Uni<PipelineView> get(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId) {
        return pipelines.get(orgId, pipelineId);
    }

    @PATCH
    @Path("/{pipelineId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rename a pipeline, change its description, schedule (nextRunAt recomputed), look-back, retry or params, "
            + "or pause (status paused) or resume (status active) it (by role, or with an edit grant on it)")
    @APIResponse(responseCode = "422", description = "params the template's input schema refuses, or a schedule that cannot run")
    public Uni<PipelineView> update(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                    @Valid @NotNull UpdatePipeline request) {
        if (request.empty()) {
            throw Problems.validation("body", "send at least one of name, description, scheduleType, scheduleCron, "
                    + "scheduleIntervalMinutes, scheduleTimezone, lookbackDays, retry, status, params");
        }
        return pipelines.update(orgId, pipelineId, request);
    }

    @DELETE
    @Path("/{pipelineId}")
    @Operation(summary = "Delete a pipeline and its executions")
    @APIResponse(responseCode = "204", description = "deleted")
    public Uni<Void> delete(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId) {
        return pipelines.delete(orgId, pipelineId);
    }
}
